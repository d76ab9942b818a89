using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Core.Tests.Sensors;

public sealed class SensorsOptionsValidatorTests
{
    [Fact]
    public void Validate_ExampleSensors_AreValid()
    {
        var result = Validate(
            new SensorOptions { Id = "cold-room", Type = "ds18b20", DeviceId = "28-0316a2794aff", HighC = 8 },
            new SensorOptions { Id = "store-climate", Type = "sht3x" },
            new SensorOptions { Id = "server-room", Type = "bme280", Address = "0x77" });

        Assert.Empty(result);
    }

    [Fact]
    public void Validate_UnknownType_NamesTheKey()
    {
        Assert.Contains("Sensors:0:Type: 'dht22' is not one of ds18b20, sht3x, bme280", Validate(new SensorOptions { Id = "a", Type = "dht22" }));
    }

    [Fact]
    public void Validate_BadAddress_NamesTheKey()
    {
        Assert.Contains("Sensors:0:Address: '0x99' is not a 7-bit I2C address (0x03-0x77)", Validate(new SensorOptions { Id = "a", Type = "sht3x", Address = "0x99" }));
    }

    [Fact]
    public void Validate_TwoSensorsOnOneAddress_NamesTheSecond()
    {
        var result = Validate(new SensorOptions { Id = "a", Type = "sht3x" }, new SensorOptions { Id = "b", Type = "sht3x", Address = "68" });

        Assert.Contains("Sensors:1:Address: 0x44 on bus 1 is already used by sensor 'a'", result);
    }

    [Fact]
    public void Validate_NotADs18b20Id_NamesTheKey()
    {
        Assert.Contains(
            "Sensors:0:DeviceId: '10-000802b4b5c7' is not a DS18B20 id (family 28, like 28-0316a2794aff)",
            Validate(new SensorOptions { Id = "a", Type = "ds18b20", DeviceId = "10-000802b4b5c7" }));
    }

    [Fact]
    public void Validate_LimitsOverlappingThroughHysteresis_NamesHighC()
    {
        Assert.Contains(
            "Sensors:0:HighC: 1 must be above LowC 0 by more than twice HysteresisC",
            Validate(new SensorOptions { Id = "a", Type = "ds18b20", HighC = 1, LowC = 0, HysteresisC = 0.5 }));
    }

    [Fact]
    public void Validate_TelemetryIntervalShorterThanRead_NamesTheKey()
    {
        Assert.Contains(
            "Sensors:0:TelemetryIntervalSeconds: 5 is outside 10-86400 (at least ReadIntervalSeconds)",
            Validate(new SensorOptions { Id = "a", Type = "ds18b20", ReadIntervalSeconds = 10, TelemetryIntervalSeconds = 5 }));
    }

    [Theory]
    [InlineData("HighC", double.NaN, "Sensors:0:HighC: NaN is outside -55-125 (what the sensors measure)")]
    [InlineData("HighC", 200.0, "Sensors:0:HighC: 200 is outside -55-125 (what the sensors measure)")]
    [InlineData("LowC", -80.0, "Sensors:0:LowC: -80 is outside -55-125 (what the sensors measure)")]
    [InlineData("DeadbandC", double.PositiveInfinity, "Sensors:0:DeadbandC: Infinity is outside 0-20")]
    [InlineData("DeadbandC", -0.1, "Sensors:0:DeadbandC: -0.1 is outside 0-20")]
    [InlineData("DeadbandPct", 101.0, "Sensors:0:DeadbandPct: 101 is outside 0-100 (percentage points)")]
    [InlineData("HysteresisC", 21.0, "Sensors:0:HysteresisC: 21 is outside 0-20")]
    public void Validate_NumberOutsideItsRangeOrNotFinite_NamesTheKeyAndTheRange(string key, double value, string expected)
    {
        var sensor = new SensorOptions { Id = "a", Type = "ds18b20" };
        typeof(SensorOptions).GetProperty(key)!.SetValue(sensor, value);

        Assert.Contains(expected, Validate(sensor));
    }

    [Theory]
    [InlineData("0x44", 0x44)]
    [InlineData("0X76", 0x76)]
    [InlineData("68", 68)]
    [InlineData("zz", null)]
    public void ParseAddress_HexOrDecimal(string text, int? expected) => Assert.Equal(expected, SensorOptions.ParseAddress(text));

    private static IEnumerable<string> Validate(params SensorOptions[] sensors) =>
        new SensorsOptionsValidator().Validate(null, new SensorsOptions { Sensors = [.. sensors] }).Failures ?? [];
}
