using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Outputs;

/// <summary>
/// The local escalation: while an alarm stays unacknowledged after its republish, the <see cref="OutputRole.Sounder"/>
/// and <see cref="OutputRole.Escalation"/> outputs are on. Both go off once the center has acknowledged every
/// escalated alarm. <see cref="Silence"/> turns only the sounder off, until the next alarm escalates.
/// </summary>
public sealed class LocalEscalation(IOutputLines lines, CenterAcknowledgements acknowledgements, ILogger<LocalEscalation> logger) : ILocalSounder
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _holds = new(StringComparer.Ordinal);
    private int _escalated;
    private bool _sounding;

    /// <summary>Whether the escalation outputs are on.</summary>
    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _escalated > 0;
            }
        }
    }

    /// <summary>Whether the sounder is on (escalated and not silenced).</summary>
    public bool IsSounding
    {
        get
        {
            lock (_lock)
            {
                return _sounding;
            }
        }
    }

    /// <summary>Follows the alarms from now on.</summary>
    public void Start()
    {
        acknowledgements.Changed += Update;
        Update();
    }

    public void Stop() => acknowledgements.Changed -= Update;

    /// <summary>
    /// Holds the sounder on for <paramref name="reason"/> (a missed duty check-in) until released; beside the escalation,
    /// which does not turn it off while a hold remains. <c>silence</c> silences it too.
    /// </summary>
    public void Hold(string reason, bool on)
    {
        lock (_lock)
        {
            if (!(on ? _holds.Add(reason) : _holds.Remove(reason)))
            {
                return;
            }

            if (on || (_holds.Count == 0 && _escalated == 0))
            {
                _sounding = on;
                lines.Set(OutputRole.Sounder, on);
            }
        }
    }

    public bool Silence()
    {
        lock (_lock)
        {
            if (!_sounding)
            {
                return false;
            }

            _sounding = false;
            lines.Set(OutputRole.Sounder, false);
            Log.SounderSilenced(logger);
            return true;
        }
    }

    private void Update()
    {
        var escalated = acknowledgements.Summary.Escalated;
        lock (_lock)
        {
            if (escalated > _escalated)
            {
                // A newly escalated alarm sounds again, even after a silence.
                _sounding = true;
                lines.Set(OutputRole.Sounder, true);
                lines.Set(OutputRole.Escalation, true);
                Log.LocalEscalationOn(logger, escalated);
            }
            else if (escalated == 0 && _escalated > 0)
            {
                if (_holds.Count == 0)
                {
                    _sounding = false;
                    lines.Set(OutputRole.Sounder, false);
                }

                lines.Set(OutputRole.Escalation, false);
                Log.LocalEscalationOff(logger);
            }

            _escalated = escalated;
        }
    }
}
