using System.Text.Json;
using EdgeGateway.Center.TestRecords;
using EdgeGateway.Center.Tickets;
using EdgeGateway.Center.Transport;

namespace EdgeGateway.Center.Storage;

/// <summary>
/// What the center keeps on file from the stream (<c>--db</c>): a ticket per fault, a record per test press (who ran
/// the test: the operator who sent the gateway <c>test-mode</c> from this console, else <c>walk-test</c>), and the
/// inputs from each status. A database error is reported on <see cref="Failed"/> and never stops the alarm handling.
/// </summary>
public sealed class CenterRecords : IDisposable
{
    /// <summary>Who ran a test this console did not switch on (a walk test on the gateway itself).</summary>
    public const string WalkTest = "walk-test";

    private readonly Dictionary<string, string> _testModeBy = new(StringComparer.Ordinal);
    private readonly string _operator;

    public CenterRecords(CenterDatabase database, TimeProvider time, string operatorName)
    {
        Database = database;
        Tickets = new TicketService(database, time);
        Tests = new TestRecordStore(database, time);
        _operator = operatorName;
    }

    public CenterDatabase Database { get; }

    public TicketService Tickets { get; }

    public TestRecordStore Tests { get; }

    /// <summary>A ticket was opened, noted again, rectified or verified by what arrived.</summary>
    public event Action<Ticket>? TicketChanged;

    /// <summary>A test press was recorded.</summary>
    public event Action<TestRecord>? TestRecorded;

    /// <summary>Keeping a record failed (the database file): the message was handled all the same.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Keeps the records of what <paramref name="center"/> receives and sends from now on.</summary>
    public void Attach(CenterConsole center)
    {
        ArgumentNullException.ThrowIfNull(center);
        center.Received += (message, _) => Guarded(() => OnReceived(message));
        center.HealthReceived += (gateway, health) => Guarded(() => Tests.OnProven(gateway, health.Proven));
        center.Traffic += traffic => Guarded(() => OnTraffic(traffic));
    }

    public void Dispose() => Database.Dispose();

    private void OnReceived(CenterMessage message)
    {
        if (message.Kind == "fault" && Tickets.OnFault(message) is { } ticket)
        {
            TicketChanged?.Invoke(ticket);
        }

        if (message.Test && message.State == "active")
        {
            TestRecorded?.Invoke(Tests.Record(message, TesterOf(message.GatewayKey)));
            foreach (var verified in Tickets.OnProven(message.Site, message.Gateway, message.Input))
            {
                TicketChanged?.Invoke(verified);
            }
        }
    }

    private void OnTraffic(CenterTraffic traffic)
    {
        if (!CenterTopics.TrySplit(traffic.Topic, out var gateway, out var leaf))
        {
            return;
        }

        if (traffic.Type == "status")
        {
            Tests.OnStatus(gateway, traffic.Payload);
        }
        else if (traffic.Type == "cmd-sent" && leaf == "cmd")
        {
            using var command = JsonDocument.Parse(traffic.Payload);
            var root = command.RootElement;
            if (root.GetProperty("command").GetString() == "test-mode" && root.TryGetProperty("on", out var on))
            {
                lock (_testModeBy)
                {
                    _testModeBy[gateway] = on.GetBoolean() ? _operator : WalkTest;
                }
            }
        }
    }

    private string TesterOf(string gateway)
    {
        lock (_testModeBy)
        {
            return _testModeBy.GetValueOrDefault(gateway, WalkTest);
        }
    }

    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Failed?.Invoke(ex);
        }
    }
}
