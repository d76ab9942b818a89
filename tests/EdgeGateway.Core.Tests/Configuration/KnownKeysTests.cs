using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Configuration;

public sealed class KnownKeysTests
{
    [Fact]
    public void Check_MisspeltKey_NamesTheFullKeyAndTheClosestKnownOne()
    {
        var config = Config(("Gateway:SiteId", "s1"), ("Gateway:DataDirectry", "/var/lib/x"));

        var failures = KnownKeys.Check(config.GetSection(GatewayOptions.Section), typeof(GatewayOptions));

        Assert.Equal(["Gateway:DataDirectry: unknown key; did you mean Gateway:DataDirectory?"], failures);
    }

    [Fact]
    public void Check_KeyCaseDiffers_IsKnown_AsTheBinderMatchesIt()
    {
        var config = Config(("Gateway:siteid", "s1"), ("Gateway:DATADIRECTORY", "/var/lib/x"));

        Assert.Empty(KnownKeys.Check(config.GetSection(GatewayOptions.Section), typeof(GatewayOptions)));
    }

    [Fact]
    public void Check_KeyFarFromEveryProperty_HasNoSuggestion()
    {
        var config = Config(("Gpio:Frobnicate", "1"));

        Assert.Equal(["Gpio:Frobnicate: unknown key"], KnownKeys.Check(config.GetSection(GpioOptions.Section), typeof(GpioOptions)));
    }

    [Fact]
    public void Check_ComputedProperty_IsUnknown_BecauseTheBinderCannotSetIt()
    {
        var config = Config(("Gpio:Driver", "libgpiod"), ("Gpio:IsSimulated", "true"));

        Assert.Equal(["Gpio:IsSimulated: unknown key"], KnownKeys.Check(config.GetSection(GpioOptions.Section), typeof(GpioOptions)));
    }

    [Fact]
    public void Check_TypeBoundToTheRoot_LooksOnlyIntoItsOwnSections_DownToArrayElements()
    {
        var config = Config(("Inputs:0:Id", "a"), ("Inputs:0:Pin", "17"), ("Inputs:1:Locaton", "hall"), ("Mqtt:Hots", "x"));

        var failures = KnownKeys.Check(config, typeof(InputsOptions));

        Assert.Equal(["Inputs:1:Locaton: unknown key; did you mean Inputs:1:Location?"], failures);
    }

    [Fact]
    public void Check_KeysUnderASingleValue_AndAValueWhereKeysBelong_AreRefused()
    {
        var config = Config(("Gateway:SiteId:Name", "s1"), ("Inputs:0", "office-panic"));

        Assert.Equal(["Gateway:SiteId: takes a single value, not the keys Name"], KnownKeys.Check(config.GetSection("Gateway"), typeof(GatewayOptions)));
        Assert.Equal(["Inputs:0: takes keys (a JSON object or array), not the value 'office-panic'"], KnownKeys.Check(config, typeof(InputsOptions)));
    }

    [Fact]
    public void Check_EveryBindablePropertyShape_IsKnownWithoutBeingListed()
    {
        var config = Config(
            ("Sample:Count", "3"), ("Sample:Mode", "On"), ("Sample:Limit", "2.5"), ("Sample:Window", "00:00:05"),
            ("Sample:Nested:Name", "n"), ("Sample:Items:0:Name", "a"), ("Sample:Items:1:Nmae", "b"),
            ("Sample:ByName:x:Name", "c"), ("Sample:Tags:0", "t"), ("Sample:Fixed:Name", "f"));

        var failures = KnownKeys.Check(config.GetSection("Sample"), typeof(SampleOptions));

        Assert.Equal(["Sample:Items:1:Nmae: unknown key; did you mean Sample:Items:1:Name?"], failures);
    }

    [Fact]
    public void CheckSections_UnknownTopLevelSection_IsRefused_KnownAndRawOnesAreNot()
    {
        var config = Config(("Gatway:SiteId", "s1"), ("Gateway:SiteId", "s1"), ("Inputs:0:Id", "a"), ("Logging:LogLevel:Default", "Debug"), ("Zzz", "1"));
        ConfigurationBinding[] bindings =
        [
            new(GatewayOptions.Section, typeof(GatewayOptions)),
            new("", typeof(InputsOptions)),
            new("Logging", null),
        ];

        var failures = KnownKeys.CheckSections(config, bindings);

        Assert.Equal(["Gatway: unknown section; did you mean Gateway?", "Zzz: unknown section"], failures);
    }

    [Fact]
    public void AddValidatedOptions_RefusesAnUnknownKeyOnStart_NamingIt()
    {
        var config = Config(("Gateway:SiteId", "s1"), ("Gateway:GatewayId", "gw1"), ("Gateway:GatewayID2", "gw2"));
        var services = new ServiceCollection().AddGatewayOptions(config);
        services.AddKnownSectionsCheck(config);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["Gateway:GatewayID2: unknown key; did you mean Gateway:GatewayId?"], StartupFailures(provider));
    }

    [Fact]
    public void AddKnownSectionsCheck_RefusesASectionNoFeatureRegistered()
    {
        var config = Config(("Gateway:SiteId", "s1"), ("Gateway:GatewayId", "gw1"), ("Gpoi:Driver", "simulated"));
        var services = new ServiceCollection().AddGatewayOptions(config).AddInputOptions(config);
        services.AddKnownSectionsCheck(config);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["Gpoi: unknown section; did you mean Gpio?"], StartupFailures(provider));
    }

    /// <summary>The failures the host's start-up validation throws (one exception alone, or several aggregated).</summary>
    private static IEnumerable<string> StartupFailures(ServiceProvider provider)
    {
        var ex = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        return (ex is AggregateException all ? all.InnerExceptions : [ex]).OfType<OptionsValidationException>().SelectMany(e => e.Failures);
    }

    private static IConfigurationRoot Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    public enum SampleMode
    {
        Off,
        On,
    }

    public sealed class SampleElement
    {
        public string Name { get; set; } = "";
    }

    public sealed class SampleOptions
    {
        public int Count { get; set; }

        public SampleMode? Mode { get; set; }

        public double Limit { get; set; }

        public TimeSpan Window { get; set; }

        public SampleElement Nested { get; set; } = new();

        public List<SampleElement> Items { get; set; } = [];

        public Dictionary<string, SampleElement> ByName { get; set; } = [];

        public string[] Tags { get; set; } = [];

        /// <summary>Getter-only: the binder binds into the instance.</summary>
        public SampleElement Fixed { get; } = new();
    }
}
