using System.Device.Gpio;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Hardware.Tests;

public sealed class SimulatedGpioSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    // Short: a Unix socket path must fit in 107 bytes, and the temp directory can be long.
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "eg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly SimulatedGpioDriver _driver = new();
    private readonly CancellationTokenSource _timeout = new(s_timeout);
    private SimulatedGpioSocket _sut = null!;

    private string SocketPath => Path.Combine(_directory, "sim", "gpio-sim.sock");

    public async Task InitializeAsync()
    {
        _sut = new SimulatedGpioSocket(_driver, SocketPath, new FakeTimeProvider(), NullLogger<SimulatedGpioSocket>.Instance);
        await _sut.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _sut.DisposeAsync();
        _timeout.Dispose();
        _driver.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SetThenGet_RoundTrips()
    {
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        Assert.True(await client.GetAsync(17, _timeout.Token));
        await client.SetAsync(17, high: false, _timeout.Token);
        Assert.False(await client.GetAsync(17, _timeout.Token));
        await client.SetAsync(17, high: true, _timeout.Token);
        Assert.True(await client.GetAsync(17, _timeout.Token));
    }

    [Fact]
    public async Task Set_DrivesTheDriverAndRaisesEdges()
    {
        using var controller = new GpioController(_driver);
        controller.OpenPin(5, PinMode.InputPullUp);
        var edges = new List<PinEventTypes>();
        controller.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => edges.Add(e.ChangeType));
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        await client.SetAsync(5, high: false, _timeout.Token);

        Assert.Equal(PinValue.Low, controller.Read(5));
        Assert.Equal([PinEventTypes.Falling], edges);
    }

    [Fact]
    public async Task Get_OutputPin_ReadsWhatTheGatewayWrote()
    {
        using var controller = new GpioController(_driver);
        controller.OpenPin(20, PinMode.Output, PinValue.High);
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        Assert.True(await client.GetAsync(20, _timeout.Token));
        controller.Write(20, PinValue.Low);
        Assert.False(await client.GetAsync(20, _timeout.Token));
        Assert.StartsWith("err ", await client.SendAsync("set 20 high", _timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_CountsTheGatewaysWritesToAnOutput()
    {
        using var controller = new GpioController(_driver);
        controller.OpenPin(20, PinMode.Output, PinValue.Low);
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);
        var before = await client.GetWriteCountAsync(20, _timeout.Token);

        controller.Write(20, PinValue.High);
        controller.Write(20, PinValue.Low);

        Assert.Equal(before + 2, await client.GetWriteCountAsync(20, _timeout.Token));
        Assert.Equal(0, await client.GetWriteCountAsync(21, _timeout.Token));
    }

    [Theory]
    [InlineData("writes")]
    [InlineData("writes 99")]
    [InlineData("set 28 high")]
    [InlineData("set -1 low")]
    [InlineData("get x")]
    [InlineData("set 4 on")]
    [InlineData("set 4")]
    [InlineData("get")]
    [InlineData("toggle 4")]
    [InlineData("")]
    public async Task BadCommand_AnswersErr_AndKeepsTheConnection(string line)
    {
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        var reply = await client.SendAsync(line, _timeout.Token);

        Assert.StartsWith("err ", reply, StringComparison.Ordinal);
        Assert.Equal("high", await client.SendAsync("get 4", _timeout.Token));
    }

    [Fact]
    public async Task Client_ErrReply_ThrowsWithTheReason()
    {
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        var ex = await Assert.ThrowsAsync<SimulatedGpioException>(() => client.SetAsync(99, high: true, _timeout.Token));

        Assert.Contains("'99'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoClients_AtOnce_SeeEachOthersChanges()
    {
        await using var first = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);
        await using var second = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        await Task.WhenAll(first.SetAsync(10, high: false, _timeout.Token), second.SetAsync(11, high: false, _timeout.Token));

        Assert.False(await second.GetAsync(10, _timeout.Token));
        Assert.False(await first.GetAsync(11, _timeout.Token));
        await first.SetAsync(10, high: true, _timeout.Token);
        Assert.True(await second.GetAsync(10, _timeout.Token));
    }

    [Fact]
    public async Task Stop_RemovesTheSocketFile_AndClosesClients()
    {
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);
        Assert.True(File.Exists(SocketPath));

        await _sut.StopAsync(_timeout.Token);

        Assert.False(File.Exists(SocketPath));
        await Assert.ThrowsAnyAsync<IOException>(() => client.GetAsync(1, _timeout.Token));
    }

    [Fact]
    public async Task Start_StaleSocketFile_IsReplaced()
    {
        await _sut.StopAsync(_timeout.Token);
        await File.WriteAllTextAsync(SocketPath, "left over by a killed process", _timeout.Token);
        await using var restarted = new SimulatedGpioSocket(_driver, SocketPath, new FakeTimeProvider(), NullLogger<SimulatedGpioSocket>.Instance);

        await restarted.StartAsync(_timeout.Token);
        await using var client = await SimulatedGpioClient.ConnectAsync(SocketPath, _timeout.Token);

        Assert.True(await client.GetAsync(3, _timeout.Token));
    }
}
