namespace EdgeGateway.Core.Events;

/// <summary>
/// What an event is about; decides its lane and topic. The first eight are what a contact input can be wired to;
/// the rest are reported by the gateway itself and are refused as an input's <c>Kind</c>.
/// </summary>
public enum EventKind
{
    Panic,
    Smoke,
    Intrusion,
    Door,
    Tamper,
    Generic,

    /// <summary>A patrol checkpoint (key switch, button or a reader's relay at a risk point): reached when active; never an alarm.</summary>
    Checkpoint,

    /// <summary>A duty check-in button (the gatehouse): each press is a check-in; a missed one is a <c>duty-missed</c> fault.</summary>
    Duty,

    /// <summary>
    /// A fault of the gateway itself: path, storage, a flapping input shut down, a sensor not answering, board
    /// under-voltage.
    /// </summary>
    Fault,

    /// <summary>A sensor's temperature outside its limit for the minimum duration (food-safety cold chain).</summary>
    Temperature,

    /// <summary>Periodic sensor readings; never an alarm.</summary>
    Telemetry,

    /// <summary>A patrol round completed (its missed or incomplete rounds are <c>patrol-missed</c> faults).</summary>
    Patrol,
}
