using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Health;

/// <summary>When an alarm input was last proven by a test press, and the round trip of that press to the center's ack (null until it is acked, and for an input that never was tested).</summary>
public sealed record InputProof(string Input, DateTimeOffset? At, long? RoundTripMs);

/// <summary>
/// When each alarm input (the kinds on the alarm lane) was last proven by a test press (the center's test mode or a
/// walk test), for health's <c>proven</c>: the press's <c>ts</c>, and its round trip from acceptance to the center's
/// ack on the monotonic clock, so it holds with an unsynchronised clock too. Kept in <c>{DataDirectory}/proven.json</c>
/// (a save waits at most <c>Outbox:WriteDeadlineMs</c>; one that fails is logged and retried at the next proof).
/// </summary>
public sealed class InputProofs : IHostedService
{
    public const string FileName = "proven.json";

    // Test alarms awaiting their ack; more than a walk test presses between two acks.
    private const int MaxAwaitingAck = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, InputProof> _proofs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Input, long AcceptedAt)> _awaitingAck = new(StringComparer.Ordinal);
    private readonly EventRecorder _recorder;
    private readonly CenterAcknowledgements _acknowledgements;
    private readonly TimeProvider _time;
    private readonly ILogger<InputProofs> _logger;
    private readonly DataFile _file;

    public InputProofs(EventRecorder recorder, CenterAcknowledgements acknowledgements, IOptions<InputsOptions> inputs, IOptions<GatewayOptions> gateway, IOptions<OutboxOptions> outbox, TimeProvider time, ILogger<InputProofs> logger)
    {
        _recorder = recorder;
        _acknowledgements = acknowledgements;
        _time = time;
        _logger = logger;
        _file = new DataFile(Path.Combine(gateway.Value.DataDirectory, FileName), TimeSpan.FromMilliseconds(outbox.Value.WriteDeadlineMs), time);
        foreach (var input in inputs.Value.Inputs.Where(i => LaneRules.LaneOf(i.Kind) == Lane.Alarm))
        {
            _proofs[input.Id] = new InputProof(input.Id, null, null);
        }
    }

    /// <summary>Completes once every save started so far has returned (tests wait for it).</summary>
    public Task LastSave { get; private set; } = Task.CompletedTask;

    /// <summary>Every alarm input, in configuration order, with its last proof.</summary>
    public IReadOnlyList<InputProof> Snapshot()
    {
        lock (_lock)
        {
            return [.. _proofs.Values];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Load();
        _recorder.TestPressed += OnTestPressed;
        _acknowledgements.Acknowledged += OnAcknowledged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _recorder.TestPressed -= OnTestPressed;
        _acknowledgements.Acknowledged -= OnAcknowledged;
        return Task.CompletedTask;
    }

    private void OnTestPressed(EventDraft press)
    {
        lock (_lock)
        {
            if (!_proofs.ContainsKey(press.Input))
            {
                return;
            }

            _proofs[press.Input] = new InputProof(press.Input, press.Timestamp, null);
            if (_awaitingAck.Count >= MaxAwaitingAck)
            {
                _awaitingAck.Remove(_awaitingAck.MinBy(a => a.Value.AcceptedAt).Key);
            }

            _awaitingAck[press.Id] = (press.Input, _time.GetTimestamp());
            Save();
        }
    }

    private void OnAcknowledged(string eventId, string by, TimeSpan latency)
    {
        lock (_lock)
        {
            if (!_awaitingAck.Remove(eventId, out var press) || _proofs[press.Input] is not { At: { } at })
            {
                return;
            }

            _proofs[press.Input] = new InputProof(press.Input, at, (long)_time.GetElapsedTime(press.AcceptedAt).TotalMilliseconds);
            Save();
        }
    }

    private void Save()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(_proofs.Values.ToList());
        LastSave = Task.WhenAll(LastSave, SaveAsync(bytes));
    }

    private async Task SaveAsync(byte[] bytes)
    {
        if (await _file.SaveAsync(bytes).ConfigureAwait(false) is { } error)
        {
            Log.ProofsNotSaved(_logger, _file.FilePath, error);
        }
    }

    private void Load()
    {
        try
        {
            if (_file.ReadOrNull() is not { } bytes)
            {
                return;
            }

            lock (_lock)
            {
                foreach (var proof in JsonSerializer.Deserialize<List<InputProof>>(bytes) ?? [])
                {
                    // An input no longer configured (or no longer an alarm) is forgotten.
                    if (_proofs.ContainsKey(proof.Input))
                    {
                        _proofs[proof.Input] = proof;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            Log.ProofsUnreadable(_logger, _file.FilePath, ex.Message);
        }
    }
}
