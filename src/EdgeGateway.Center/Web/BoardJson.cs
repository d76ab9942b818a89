using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Center.Web;

/// <summary>The page's JSON: camelCase, enums as names, no nulls left out (the page reads every field).</summary>
internal static class BoardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
