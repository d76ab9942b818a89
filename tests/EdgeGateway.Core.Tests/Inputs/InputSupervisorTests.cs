using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Core.Tests.Inputs;

public sealed class InputSupervisorTests
{
    private const int DoorPin = 22;
    private const int PanicPin = 17;
    private const int TamperPin = 5;
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(50);

    private InputSupervisor _sut = null!;
    private TimeSpan _now = TimeSpan.FromSeconds(1);

    [Fact]
    public void Evaluate_DoorFlapsMaxActivationsTimes_ReportsOneFaultInsteadOfTheLastActivation()
    {
        Start(Door(maxActivations: 3));

        Flap(DoorPin, activeHigh: true, times: 3);

        Assert.Equal(
            ["gate-door door active", "gate-door door restored", "gate-door door active", "gate-door door restored", "gate-door fault active"],
            Drain());
    }

    [Fact]
    public void Evaluate_ShutDownInputKeepsFlapping_ReportsNothingMore()
    {
        Start(Door(maxActivations: 3));
        Flap(DoorPin, activeHigh: true, times: 3);
        Drain();

        Flap(DoorPin, activeHigh: true, times: 20);

        Assert.Empty(Drain());
    }

    [Fact]
    public void Evaluate_ShutDownInputQuietForQuietPeriod_ReportsFaultRestoredThenWhereTheContactIs()
    {
        Start(Door(maxActivations: 3, quietSeconds: 300));
        Flap(DoorPin, activeHigh: true, times: 3);
        Set(DoorPin, high: true); // left open: an activation, which restarts the quiet period
        Advance(s_settle);
        Drain();

        Advance(TimeSpan.FromSeconds(299));
        Assert.Empty(Drain());
        Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["gate-door fault restored", "gate-door door active"], Drain());
    }

    [Fact]
    public void Evaluate_ResumedInput_ReportsChangesAgain()
    {
        Start(Door(maxActivations: 3, quietSeconds: 300));
        Flap(DoorPin, activeHigh: true, times: 3);
        Advance(TimeSpan.FromSeconds(300));
        Drain();

        Flap(DoorPin, activeHigh: true, times: 1);

        Assert.Equal(["gate-door door active", "gate-door door restored"], Drain());
    }

    [Fact]
    public void Evaluate_ActivationsSpreadWiderThanTheWindow_NeverTrip()
    {
        Start(Door(maxActivations: 3, windowSeconds: 60));

        for (var i = 0; i < 10; i++)
        {
            Flap(DoorPin, activeHigh: true, times: 1);
            Advance(TimeSpan.FromSeconds(31));
        }

        Assert.DoesNotContain(Drain(), e => e.Contains("fault", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_MaxActivationsZero_NeverTrips()
    {
        Start(Door(maxActivations: 0));

        Flap(DoorPin, activeHigh: true, times: 50);

        Assert.Equal(100, Drain().Count);
    }

    [Fact]
    public void Evaluate_FlappingPanicInput_ReportsItsFirstActivationAsAnAlarmAndThenAFault()
    {
        Start(Panic(maxActivations: 3));

        Flap(PanicPin, activeHigh: false, times: 3);

        Assert.Equal(["office-panic panic active", "office-panic fault active"], Drain());
    }

    [Fact]
    public void Evaluate_ShutDownPanicInputResetAndPressedAgain_StillReportsTheAlarm()
    {
        Start(Panic(maxActivations: 3));
        Flap(PanicPin, activeHigh: false, times: 3);
        _sut.Reset("office-panic");
        Drain();

        Flap(PanicPin, activeHigh: false, times: 1);

        Assert.Equal(["office-panic panic active"], Drain());
    }

    [Fact]
    public void Evaluate_Fault_SaysWhyInTheDetail()
    {
        Start(Door(maxActivations: 3, windowSeconds: 60, quietSeconds: 300));

        Flap(DoorPin, activeHigh: true, times: 3);

        var fault = Assert.Single(_sut.Events, e => e.Kind == EventKind.Fault);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["fault"] = "flapping", ["line"] = "input", ["activations"] = "3", ["windowSeconds"] = "60", ["suppressed"] = "true", ["quietSeconds"] = "300",
            },
            fault.Detail);
        Assert.Equal(Lane.Alarm, LaneRules.LaneOf(fault.Kind));
    }

    [Fact]
    public void Lines_InputWithTamperPin_IncludesTheLoopAsATamperLineOfTheSameInput()
    {
        Start(Door(tamperPin: TamperPin));

        var loop = Assert.Single(_sut.Lines, l => l.Pin == TamperPin);

        Assert.Equal(("gate-door", EventKind.Tamper, ContactType.NC, false), (loop.Id, loop.Kind, loop.Contact, loop.Latches));
        Assert.Single(_sut.Channels);
    }

    [Fact]
    public void Evaluate_TamperLoopCut_ReportsTamperForTheInputAndItsRestore()
    {
        Start(Door(tamperPin: TamperPin));

        // NC loop with pull-up: intact holds the line low; a cut lets the pull-up take it high.
        Set(TamperPin, high: true);
        Advance(s_settle);
        Set(TamperPin, high: false);
        Advance(s_settle);

        Assert.Equal(["gate-door tamper active", "gate-door tamper restored"], Drain());
    }

    [Fact]
    public void NextDeadline_WhileShutDown_IsTheEndOfTheQuietPeriod()
    {
        Start(Door(maxActivations: 3, quietSeconds: 300));
        Flap(DoorPin, activeHigh: true, times: 3);
        // The third activation counted when it settled: one settle after it was set, one settle before the release settled.
        var lastActivation = _now - s_settle;

        Assert.Equal(lastActivation + TimeSpan.FromSeconds(300), _sut.NextDeadline);
    }

    private static InputOptions Door(int maxActivations = 10, int windowSeconds = 60, int quietSeconds = 300, int? tamperPin = null) => new()
    {
        Id = "gate-door",
        Pin = DoorPin,
        Kind = EventKind.Door,
        Contact = ContactType.NC,
        MaxActivations = maxActivations,
        SwingerWindowSeconds = windowSeconds,
        SwingerQuietSeconds = quietSeconds,
        TamperPin = tamperPin,
    };

    private static InputOptions Panic(int maxActivations) => new()
    {
        Id = "office-panic",
        Pin = PanicPin,
        Kind = EventKind.Panic,
        MaxActivations = maxActivations,
    };

    private void Start(params InputOptions[] inputs)
    {
        _sut = new InputSupervisor(inputs, NullLogger.Instance);
        foreach (var line in _sut.Lines)
        {
            Set(line.Pin, !line.ActiveHigh);
        }

        Advance(s_settle);
    }

    private void Set(int pin, bool high) => _sut.Observe(pin, high, _now);

    private void Advance(TimeSpan by)
    {
        _now += by;
        _sut.Evaluate(_now);
    }

    /// <summary>Activates and releases the contact <paramref name="times"/> times, each level held past the debounce.</summary>
    private void Flap(int pin, bool activeHigh, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Set(pin, activeHigh);
            Advance(s_settle);
            Set(pin, !activeHigh);
            Advance(s_settle);
        }
    }

    private List<string> Drain()
    {
        var events = _sut.Events.Select(e => $"{e.Source} {EventPayload.KindName(e.Kind)} {(e.State == EventState.Active ? "active" : "restored")}").ToList();
        _sut.ClearReported();
        return events;
    }
}
