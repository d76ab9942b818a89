using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new ConfigErrors();
        errors.RequireTopicSegment("Gateway:SiteId", options.SiteId);
        errors.RequireTopicSegment("Gateway:GatewayId", options.GatewayId);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Gateway:DataDirectory", "is required");
        }

        return errors.ToResult();
    }
}
