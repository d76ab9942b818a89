using EdgeGateway.Core.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Health;

/// <summary>A loop that faults is restarted in process with backoff, counted, and only given up after a run of failures.</summary>
public sealed class SupervisedLoopTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly LoopSupervision _supervision;

    public SupervisedLoopTests() => _supervision = new LoopSupervision(_time);

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public void Backoff_OneSecondDoublingToSixty()
    {
        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 60, 60, 60],
            Enumerable.Range(1, 9).Select(n => SupervisionPolicy.Default.Backoff(n).TotalSeconds));
    }

    [Fact]
    public async Task Fault_IsCountedWithItsError_AndTheLoopRunsAgainAfterTheBackoff()
    {
        using var loop = new ScriptedLoop(faults: 2) { Supervision = _supervision };
        await loop.StartAsync(_timeout.Token);

        await WaitUntilAsync(() => loop.Runs == 1 && Status().State == LoopStatus.Restarting);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, _timeout.Token);
        Assert.Equal(1, loop.Runs);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => loop.Runs == 2 && Status().State == LoopStatus.Restarting);
        _time.Advance(TimeSpan.FromSeconds(2));
        await WaitUntilAsync(() => loop.Runs == 3);

        var status = Status();
        Assert.Equal(("scripted-loop", LoopStatus.Running, 2L, 2), (status.Name, status.State, status.Restarts, status.FailuresInARow));
        Assert.Equal("InvalidOperationException: fault 2", status.LastError);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(2), status.LastErrorAt);
        Assert.Null(loop.ExecuteTask!.Exception);
        await loop.StopAsync(_timeout.Token);
        Assert.Equal(LoopStatus.Stopped, Status().State);
    }

    [Fact]
    public async Task EightFaultsInARow_CannotRecover_UntilAHealthyRunClearsIt()
    {
        using var loop = new ScriptedLoop(faults: 8) { Supervision = _supervision };
        await loop.StartAsync(_timeout.Token);

        while (loop.Runs < 9)
        {
            Assert.Empty(loop.Runs < 8 ? _supervision.Unrecoverable() : []);
            await StepAsync(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["scripted-loop"], _supervision.Unrecoverable().Select(l => l.Name));
        Assert.Equal((LoopStatus.Failed, 8), (Status().State, Status().FailuresInARow));

        _time.Advance(SupervisionPolicy.Default.HealthyRun);

        Assert.Empty(_supervision.Unrecoverable());
        Assert.Equal((LoopStatus.Running, 0, 8L), (Status().State, Status().FailuresInARow, Status().Restarts));
        await loop.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task AFaultAfterAHealthyRun_CountsAsTheFirstAgain()
    {
        using var loop = new ScriptedLoop(faults: 1, faultAgainAfterRuns: 2) { Supervision = _supervision };
        await loop.StartAsync(_timeout.Token);
        await WaitUntilAsync(() => Status().State == LoopStatus.Restarting);
        await StepAsync(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => loop.Runs == 2);

        _time.Advance(TimeSpan.FromSeconds(61));
        loop.FaultNow();
        await WaitUntilAsync(() => Status().Restarts == 1 && Status().State == LoopStatus.Restarting);

        Assert.Equal(1, Status().FailuresInARow);
        await loop.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task StopCancellation_IsNotAFault()
    {
        using var loop = new ScriptedLoop(faults: 0) { Supervision = _supervision };
        await loop.StartAsync(_timeout.Token);
        await WaitUntilAsync(() => loop.Runs == 1);

        await loop.StopAsync(_timeout.Token);

        Assert.Equal((LoopStatus.Stopped, 0L, null), (Status().State, Status().Restarts, Status().LastError));
        Assert.True(loop.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Host_ALoopThatKeepsThrowing_DoesNotStopTheHost_AndReportsToTheHostsSupervision()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        builder.Services.AddHostedService(_ => new ScriptedLoop(faults: int.MaxValue));
        builder.Services.AddLoopSupervision();
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync(_timeout.Token);
        var supervision = host.Services.GetRequiredService<LoopSupervision>();

        while (supervision.Snapshot().SingleOrDefault() is not { Restarts: >= 10 })
        {
            await StepAsync(TimeSpan.FromSeconds(1));
        }

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(LoopStatus.Failed, supervision.Snapshot().Single().State);
        await host.StopAsync(_timeout.Token);
    }

    [Fact]
    public void ReportUnavailable_ShowsThePartWithItsReason_WithoutWithholdingTheWatchdog()
    {
        _supervision.ReportUnavailable("status-socket", "cannot listen on /x/status.sock: the path is 140 bytes long");

        var part = Assert.Single(_supervision.Snapshot());
        Assert.Equal(("status-socket", LoopStatus.Unavailable), (part.Name, part.State));
        Assert.Equal("cannot listen on /x/status.sock: the path is 140 bytes long", part.LastError);
        Assert.Empty(_supervision.Unrecoverable());
    }

    private LoopStatus Status() => _supervision.Snapshot().SingleOrDefault() ?? new LoopStatus("", "not yet started", 0, 0, null, null);

    private async Task StepAsync(TimeSpan step)
    {
        _time.Advance(step);
        await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, _timeout.Token);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System, _timeout.Token);
        }
    }

    /// <summary>Throws on its first <c>faults</c> runs, then runs until stopped (or until <see cref="FaultNow"/>).</summary>
    private sealed class ScriptedLoop(int faults, int faultAgainAfterRuns = int.MaxValue) : SupervisedLoop
    {
        private TaskCompletionSource _fault = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public void FaultNow() => _fault.TrySetResult();

        protected override async Task RunLoopAsync(CancellationToken stoppingToken)
        {
            var run = Interlocked.Increment(ref _runs);
            if (run <= faults)
            {
                throw new InvalidOperationException($"fault {run}");
            }

            _fault = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (run >= faultAgainAfterRuns)
            {
                await _fault.Task.WaitAsync(stoppingToken);
                throw new InvalidOperationException("fault again");
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, stoppingToken);
        }
    }
}
