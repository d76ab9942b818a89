using System.Threading.Channels;
using EdgeGateway.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Inputs;

/// <summary>How often lines are read as a backstop to edge events.</summary>
public sealed class InputMonitorOptions
{
    /// <summary>Level read period; it reconciles an edge the driver missed (edge callbacks are not a guarantee).</summary>
    /// <value>Default 100 ms.</value>
    public int PollIntervalMs { get; set; } = 100;
}

/// <summary>
/// Watches the input lines: edges and a periodic level read feed one <see cref="InputChannel"/> per input;
/// every transition is handed to the <see cref="EventRecorder"/>. One loop owns all state, so no locks.
/// </summary>
public sealed class InputMonitor : BackgroundService
{
    private readonly IInputLines _lines;
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<InputMonitor> _logger;
    private readonly TimeSpan _pollInterval;
    private readonly Dictionary<int, InputChannel> _channelsByPin;
    private readonly Channel<Signal> _signals = Channel.CreateUnbounded<Signal>(new() { SingleReader = true });
    private readonly long _startTimestamp;
    private readonly Health.LivenessRegistry? _liveness;

    public InputMonitor(
        IInputLines lines,
        EventRecorder recorder,
        IOptions<InputsOptions> inputs,
        IOptions<InputMonitorOptions> options,
        TimeProvider time,
        ILogger<InputMonitor> logger,
        Health.LivenessRegistry? liveness = null)
    {
        _liveness = liveness;
        _lines = lines;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _pollInterval = TimeSpan.FromMilliseconds(Math.Max(1, options.Value.PollIntervalMs));
        _channelsByPin = inputs.Value.Inputs.ToDictionary(i => i.Pin, i => new InputChannel(i));
        _startTimestamp = time.GetTimestamp();
    }

    /// <summary>Inputs in configuration order, with their live state.</summary>
    public IReadOnlyCollection<InputChannel> Channels => _channelsByPin.Values;

    /// <summary>Raised on the monitor loop after each reported transition has been accepted by the outbox.</summary>
    public event Action<InputChannel, InputState>? Transitioned;

    /// <summary>Clears the latch of one input, or of all inputs when <paramref name="inputId"/> is null.</summary>
    public void RequestReset(string? inputId) => _signals.Writer.TryWrite(new Signal(-1, false, Now, inputId ?? ""));

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _lines.Open([.. _channelsByPin.Values.Select(c => c.Options)], OnEdge);
        foreach (var channel in _channelsByPin.Values)
        {
            Log.InputOpened(_logger, channel.Options.Id, channel.Options.Pin, channel.Options.Kind, channel.Options.Contact);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPoll = Now;
        var transitions = new List<(InputChannel Channel, InputState State)>();
        while (!stoppingToken.IsCancellationRequested)
        {
            _liveness?.Beat(Health.LivenessRegistry.Inputs);
            var now = Now;
            if (now >= nextPoll)
            {
                foreach (var (pin, channel) in _channelsByPin)
                {
                    channel.Observe(_lines.Read(pin), now);
                }

                nextPoll = now + _pollInterval;
            }

            while (_signals.Reader.TryRead(out var signal))
            {
                if (signal.Pin >= 0 && _channelsByPin.TryGetValue(signal.Pin, out var channel))
                {
                    channel.Observe(signal.High, signal.At);
                }
                else if (signal.ResetInput is { } resetId)
                {
                    foreach (var c in _channelsByPin.Values.Where(c => resetId.Length == 0 || c.Options.Id == resetId))
                    {
                        if (c.Reset() is { } state)
                        {
                            transitions.Add((c, state));
                        }
                    }
                }
            }

            foreach (var channel in _channelsByPin.Values)
            {
                if (channel.Evaluate(now) is { } state)
                {
                    transitions.Add((channel, state));
                }
            }

            if (transitions.Count > 0)
            {
                await _recorder.RecordAsync(transitions, stoppingToken);
                foreach (var (channel, state) in transitions)
                {
                    Transitioned?.Invoke(channel, state);
                }

                transitions.Clear();
            }

            var deadline = _channelsByPin.Values.Select(c => c.NextDeadline).Where(d => d.HasValue).Select(d => d!.Value)
                .Append(nextPoll).Min();
            await WaitForSignalAsync(deadline - Now, stoppingToken);
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_startTimestamp);

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
