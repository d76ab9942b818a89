using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Inputs;

/// <summary>
/// Watches the input lines: edges and a periodic level read feed the <see cref="InputSupervisor"/> (debounce, latch,
/// swinger shutdown, tamper loops); every change it reports is handed to the <see cref="EventRecorder"/>.
/// One loop owns all state, so no locks. Lines that cannot be opened (libgpiod missing, a wrong <c>Gpio:Chip</c>) do not
/// stop the gateway: a <c>gpio</c> fault (<c>inputs-unavailable</c>, with the reason) is recorded and the opening is
/// retried with the supervision backoff until it succeeds, when the fault restores.
/// </summary>
public sealed class InputMonitor : SupervisedLoop
{
    private static readonly TimeSpan s_beatWhileWaiting = TimeSpan.FromSeconds(1);

    private readonly IInputLines _lines;
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<InputMonitor> _logger;
    private readonly TimeSpan _pollInterval;
    private readonly InputSupervisor _supervisor;
    private readonly Channel<Signal> _signals = Channel.CreateUnbounded<Signal>(new() { SingleReader = true });
    private readonly long _startTimestamp;
    private readonly LivenessRegistry _liveness;
    private readonly LineOpening _opening;

    public InputMonitor(
        IInputLines lines,
        EventRecorder recorder,
        IOptions<InputsOptions> inputs,
        IOptions<GpioOptions> options,
        TimeProvider time,
        ILogger<InputMonitor> logger,
        LivenessRegistry liveness)
    {
        _liveness = liveness;
        _lines = lines;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _pollInterval = TimeSpan.FromMilliseconds(Math.Max(1, options.Value.PollIntervalMs));
        _supervisor = new InputSupervisor(inputs.Value.Inputs, logger);
        _startTimestamp = time.GetTimestamp();
        _opening = new LineOpening("Inputs", InputsUnavailableFault, recorder, logger);
    }

    /// <summary>Inputs in configuration order, with their live state (tamper loops not included).</summary>
    public IReadOnlyCollection<InputChannel> Channels => _supervisor.Channels;

    /// <summary>Raised on the monitor loop after each reported transition has been accepted by the outbox.</summary>
    public event Action<InputChannel, EventState>? Transitioned;

    /// <summary>Clears the latch of one input, or of all inputs when <paramref name="inputId"/> is null.</summary>
    public void RequestReset(string? inputId) => _signals.Writer.TryWrite(new Signal(-1, false, Now, inputId ?? ""));

    /// <summary>The <c>detail.fault</c> of that fault.</summary>
    public const string InputsUnavailableFault = "inputs-unavailable";

    /// <summary>Whether the input lines are open (false while they cannot be, and the opening is being retried).</summary>
    public bool LinesOpen => _opening.IsOpen;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // At once when it works, so the lines are live when start returns.
        TryOpenLines();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        await OpenLinesAsync(stoppingToken);
        var nextPoll = Now;
        var resets = new List<string>();
        while (!stoppingToken.IsCancellationRequested)
        {
            _liveness.Beat(LivenessRegistry.Inputs);
            var now = Now;
            while (_signals.Reader.TryRead(out var signal))
            {
                if (signal.Pin >= 0)
                {
                    _supervisor.Observe(signal.Pin, signal.High, signal.At);
                }
                else if (signal.ResetInput is { } resetId)
                {
                    resets.Add(resetId);
                }
            }

            // After the queued edges, which are older: a read now must not restart a debounce an edge already began.
            if (now >= nextPoll)
            {
                foreach (var line in _supervisor.Lines)
                {
                    _supervisor.Observe(line.Pin, _lines.Read(line.Pin), now);
                }

                nextPoll = now + _pollInterval;
            }

            _supervisor.Evaluate(now);

            // Resets apply after Evaluate: a release that was queued with the reset (the loop was busy recording)
            // must count first, or the reset would see the contact still pressed and be lost.
            foreach (var resetId in resets)
            {
                _supervisor.Reset(resetId.Length == 0 ? null : resetId);
            }

            resets.Clear();

            if (_supervisor.Events.Count > 0)
            {
                _recorder.Record(_supervisor.Events);
                foreach (var (channel, state) in _supervisor.Transitions)
                {
                    Transitioned?.Invoke(channel, state);
                }

                _supervisor.ClearReported();
            }

            var deadline = _supervisor.NextDeadline is { } next && next < nextPoll ? next : nextPoll;
            await WaitForSignalAsync(deadline - Now, stoppingToken);
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_startTimestamp);

    /// <summary>Retries until the lines open; beats meanwhile, because waiting for hardware is not a hang.</summary>
    private async Task OpenLinesAsync(CancellationToken stoppingToken)
    {
        if (_opening.IsOpen)
        {
            return;
        }

        await _opening.OpenAsync(OpenLines, Supervision.Policy, _time, () => _liveness.Beat(LivenessRegistry.Inputs), error => ReportUnavailable(error.Message), stoppingToken);
        ReportAvailable();
    }

    private void TryOpenLines()
    {
        if (_opening.TryOpen(OpenLines, Supervision.Policy) is { } error)
        {
            ReportUnavailable(error.Message);
        }
    }

    private void OpenLines()
    {
        _lines.Open(_supervisor.Lines, OnEdge);
        foreach (var line in _supervisor.Lines)
        {
            Log.InputOpened(_logger, line.Id, line.Pin, line.Kind, line.Contact);
        }
    }

    private void OnEdge(int pin, bool high) => _signals.Writer.TryWrite(new Signal(pin, high, Now, null));

    private async Task WaitForSignalAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        if (delay <= TimeSpan.Zero || _signals.Reader.TryPeek(out _))
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var signalled = _signals.Reader.WaitToReadAsync(wake.Token).AsTask();
        var elapsed = Task.Delay(delay, _time, wake.Token);
        await Task.WhenAny(signalled, elapsed);
        await wake.CancelAsync();
    }

    private readonly record struct Signal(int Pin, bool High, TimeSpan At, string? ResetInput);
}
