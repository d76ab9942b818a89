using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.Hardware.Tests.Docs;

/// <summary>
/// hardware/README.md's pin map table and deploy/config.example.json must describe the same wiring: an installer
/// wires from the table, the gateway reads the config.
/// </summary>
public sealed class PinMapTests
{
    /// <summary>BCM GPIO → physical pin on the 40-pin header (the same on every 40-pin Raspberry Pi).</summary>
    private static readonly Dictionary<int, int> s_header = new()
    {
        [2] = 3, [3] = 5, [4] = 7, [17] = 11, [27] = 13, [22] = 15, [10] = 19, [9] = 21, [11] = 23, [0] = 27,
        [5] = 29, [6] = 31, [13] = 33, [19] = 35, [26] = 37, [14] = 8, [15] = 10, [18] = 12, [23] = 16, [24] = 18,
        [25] = 22, [8] = 24, [7] = 26, [1] = 28, [12] = 32, [16] = 36, [20] = 38, [21] = 40,
    };

    private static readonly string s_root = FindRepositoryRoot();
    private readonly List<Row> _table = ReadTable();
    private readonly JsonElement _config = ReadConfig();

    [Fact]
    public void Table_HeaderPins_MatchTheirBcmNumbers()
    {
        Assert.All(_table, row => Assert.Equal(s_header[row.Bcm], row.HeaderPin));
    }

    [Fact]
    public void Table_NoPinTwice()
    {
        Assert.Equal(_table.Count, _table.Select(r => r.Bcm).Distinct().Count());
    }

    [Fact]
    public void EveryInputAndTamperLoop_IsInTheTable()
    {
        var inputs = _config.GetProperty("Inputs").EnumerateArray().ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            var id = inputs[i].GetProperty("Id").GetString();
            Assert.Contains(new Row(inputs[i].GetProperty("Pin").GetInt32(), 0, $"Inputs:{i}", id!), _table, RowComparer.Instance);
            if (inputs[i].TryGetProperty("TamperPin", out var tamper))
            {
                Assert.Contains(new Row(tamper.GetInt32(), 0, $"Inputs:{i}:TamperPin", id!), _table, RowComparer.Instance);
            }
        }
    }

    [Fact]
    public void EveryOutput_IsInTheTable()
    {
        var outputs = _config.GetProperty("Outputs").EnumerateArray().ToList();
        Assert.NotEmpty(outputs);
        for (var i = 0; i < outputs.Count; i++)
        {
            Assert.Contains(new Row(outputs[i].GetProperty("Pin").GetInt32(), 0, $"Outputs:{i}", outputs[i].GetProperty("Id").GetString()!), _table, RowComparer.Instance);
        }
    }

    [Fact]
    public void EverySensor_HasItsBusPinsInTheTable()
    {
        var sensors = _config.GetProperty("Sensors").EnumerateArray().ToList();
        for (var i = 0; i < sensors.Count; i++)
        {
            var id = sensors[i].GetProperty("Id").GetString()!;
            int[] pins = sensors[i].GetProperty("Type").GetString() == "ds18b20" ? [4] : [2, 3];
            Assert.All(pins, pin => Assert.Contains(new Row(pin, 0, $"Sensors:{i}", id), _table, RowComparer.Instance));
        }
    }

    [Fact]
    public void EveryConfiguredTableRow_IsInTheConfig()
    {
        foreach (var row in _table.Where(r => r.Key != "—"))
        {
            var parts = row.Key.Split(':');
            var element = _config.GetProperty(parts[0])[int.Parse(parts[1], CultureInfo.InvariantCulture)];
            Assert.Equal(row.Id, element.GetProperty("Id").GetString());
            if (parts[0] is "Inputs" or "Outputs")
            {
                Assert.Equal(row.Bcm, element.GetProperty(parts.Length == 3 ? parts[2] : "Pin").GetInt32());
            }
        }
    }

    [Fact]
    public void WiringPictures_ExistAsSvgAndPng()
    {
        foreach (var name in new[] { "inputs", "sensors", "outputs" })
        {
            Assert.True(File.Exists(Path.Combine(s_root, "hardware", "wiring", name + ".svg")), $"{name}.svg missing");
            Assert.True(File.Exists(Path.Combine(s_root, "hardware", "wiring", name + ".png")), $"{name}.png missing");
        }
    }

    private static List<Row> ReadTable()
    {
        var lines = File.ReadAllLines(Path.Combine(s_root, "hardware", "README.md"));
        var start = Array.IndexOf(lines, "## Pin map");
        Assert.True(start >= 0, "hardware/README.md has no '## Pin map' section");
        var rows = lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2) // header and separator
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray())
            .Select(c => new Row(int.Parse(c[0], CultureInfo.InvariantCulture), int.Parse(c[1], CultureInfo.InvariantCulture), c[3], c[4]))
            .ToList();
        Assert.NotEmpty(rows);
        return rows;
    }

    private static JsonElement ReadConfig()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_root, "deploy", "config.example.json")));
        return json.RootElement.Clone();
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeGateway.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record Row(int Bcm, int HeaderPin, string Key, string Id);

    /// <summary>Matches a row on BCM, config key and id (the header pin has its own test).</summary>
    private sealed class RowComparer : IEqualityComparer<Row>
    {
        public static RowComparer Instance { get; } = new();

        public bool Equals(Row? x, Row? y) => x is not null && y is not null && (x.Bcm, x.Key, x.Id) == (y.Bcm, y.Key, y.Id);

        public int GetHashCode(Row obj) => HashCode.Combine(obj.Bcm, obj.Key, obj.Id);
    }
}
