using EdgeGateway.Core.Sensors;
using EdgeGateway.Hardware.Sensors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware.Tests.Sensors;

public sealed class SensorServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSensors_BindsTheSensorsArray()
    {
        using var provider = Provider(("Sensors:0:Id", "cold-room"), ("Sensors:0:Type", "ds18b20"), ("Sensors:0:HighC", "8"));

        var sensor = Assert.Single(provider.GetRequiredService<IOptions<SensorsOptions>>().Value.Sensors);

        Assert.Equal(("cold-room", "ds18b20", 8.0), (sensor.Id, sensor.Type, sensor.HighC!.Value));
        Assert.IsType<SensorReaderFactory>(provider.GetRequiredService<ISensorReaderFactory>());
    }

    [Fact]
    public void AddSensors_BadSensor_FailsNamingTheKey()
    {
        using var provider = Provider(("Sensors:0:Id", "cold-room"), ("Sensors:0:Type", "dht22"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SensorsOptions>>().Value);

        Assert.Contains("Sensors:0:Type: 'dht22' is not one of ds18b20, sht3x, bme280", ex.Failures);
    }

    [Fact]
    public void AddSensors_MisspeltKey_FailsNamingIt()
    {
        using var provider = Provider(("Sensors:0:Id", "cold-room"), ("Sensors:0:Type", "ds18b20"), ("Sensors:0:HighTempC", "8"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SensorsOptions>>().Value);

        Assert.Contains("Sensors:0:HighTempC: unknown key", ex.Failures);
    }

    [Fact]
    public void AddSensors_SensorIdOfAnInput_FailsNamingTheKey()
    {
        using var provider = Provider(("Inputs:0:Id", "cold-room"), ("Inputs:0:Pin", "17"), ("Sensors:0:Id", "cold-room"), ("Sensors:0:Type", "ds18b20"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SensorsOptions>>().Value);

        Assert.Contains("Sensors:0:Id: 'cold-room' is already the id of an input", ex.Failures);
    }

    private static ServiceProvider Provider(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddSensors(configuration).AddSensorReaders().BuildServiceProvider();
    }
}
