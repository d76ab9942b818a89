namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>A fact that runs only when <c>EDGEGATEWAY_CHAOS_MINUTES</c> is set: the long chaos run, outside CI.</summary>
public sealed class LongChaosFactAttribute : FactAttribute
{
    public const string MinutesVariable = "EDGEGATEWAY_CHAOS_MINUTES";

    public LongChaosFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MinutesVariable)))
        {
            Skip = $"the long chaos run: {MinutesVariable}=60 dotnet test tests/EdgeGateway.IntegrationTests --filter chaos=long";
        }
    }
}
