using System.Collections.Concurrent;
using System.Globalization;
using EdgeGateway.Center;
using EdgeGateway.Center.Storage;
using EdgeGateway.Center.TestRecords;
using EdgeGateway.Center.Tickets;
using EdgeGateway.TestKit;
using Xunit.Abstractions;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Issue 17 end to end: the gateway as a process on simulated GPIO and a real Mosquitto, the center's console with its
/// SQLite records in this process. A round nobody walks and a duty button nobody presses open tickets at the center; the
/// guard's press rectifies the duty ticket and a test press of it verifies it; the test report names the panic button
/// nobody tested as overdue; the tickets are still there after the center restarts.
/// </summary>
public sealed class PatrolAndDutyTests(ITestOutputHelper output)
{
    private const int DutyPin = 24;
    private const int SmokePin = 18;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task MissedRoundAndMissedCheckIn_OpenTickets_ATestPressClosesOne_AndTheReportListsTheUntestedInputAsOverdue()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var databaseDirectory = Directory.CreateTempSubdirectory("edge-center-db-").FullName;
        var databaseFile = Path.Combine(databaseDirectory, "center.db");
        var records = new Center.Storage.CenterRecords(new CenterDatabase(databaseFile), TimeProvider.System, "duty-officer");
        await using (var center = new CenterConsole(new CenterOptions { Port = broker.Port, AutoAck = true, Operator = "duty-officer" }, TimeProvider.System))
        {
            var changes = new ConcurrentQueue<Ticket>();
            var tests = new ConcurrentQueue<TestRecord>();
            var results = new ConcurrentQueue<string>();
            records.Attach(center);
            records.TicketChanged += changes.Enqueue;
            records.TestRecorded += tests.Enqueue;
            records.Failed += ex => output.WriteLine($"records failed: {ex}");
            center.CommandResultReceived += r => results.Enqueue($"{r.Command} {(r.Ok ? "ok" : r.ErrorCode)}");
            await center.ConnectAsync(CancellationToken.None);

            // The round is due a few seconds after the gateway starts (on its clock, local time) and may take 10 s.
            var due = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), TimeProvider.System.LocalTimeZone).AddSeconds(6);
            var directory = Directory.CreateTempSubdirectory("edge-gateway-test-").FullName;
            var config = GatewayProcess.SimulatedConfig(directory, broker.Port, [
                Gateway.Input("office-panic", 17, "panic", location: "Main office"),
                Gateway.Input("gym-smoke", SmokePin, "smoke", location: "Gym"),
                Gateway.Input("cp-gate", 22, "checkpoint", location: "School gate"),
                Gateway.Input("cp-lab", 23, "checkpoint", location: "Chemistry lab"),
                new { Id = "gate-duty", Pin = DutyPin, Kind = "duty", Contact = "NO", Pull = "up", DebounceMs = 20, MaxActivations = 0, Location = "Gatehouse", CheckInIntervalSeconds = 12 },
            ]);
            config["Patrol"] = new { Rounds = new[] { new { Id = "night", Checkpoints = new[] { "cp-gate", "cp-lab" }, Times = new[] { due.ToString("HH:mm:ss", CultureInfo.InvariantCulture) }, MaxDurationSeconds = 10 } } };
            await using var gateway = new GatewayProcess(directory, config, Gateway.EntryAssembly);
            await gateway.StartAsync();

            // Nobody walks the round and nobody checks in: both reach the center as faults and open tickets.
            await GatewayProcess.WaitUntilAsync(() => Open(records, "night", "patrol-missed") is not null && Open(records, "gate-duty", "duty-missed") is not null, s_wait);

            // The guard checks in: the gateway restores the fault, which rectifies the ticket.
            await PressAsync(gateway, DutyPin, "gate-duty Duty");
            await GatewayProcess.WaitUntilAsync(() => Ticket(records, "gate-duty")?.State == TicketState.Rectified, s_wait);

            // A test of the duty button and the gym's smoke detector: the duty ticket is verified by the test press.
            await center.SendCommandAsync("test-school/gw1", "test-mode", new Dictionary<string, object> { ["on"] = true, ["timeoutSeconds"] = 120, ["inputs"] = new[] { "gate-duty", "gym-smoke" } }, CancellationToken.None);
            await GatewayProcess.WaitUntilAsync(() => results.Contains("test-mode ok"), s_wait);
            await PressAsync(gateway, DutyPin, "gate-duty Duty");
            await PressAsync(gateway, SmokePin, "gym-smoke Smoke");
            await GatewayProcess.WaitUntilAsync(() => Ticket(records, "gate-duty")?.State == TicketState.Verified && tests.Count >= 2, s_wait);
            Assert.Equal(TicketService.TestPress, Ticket(records, "gate-duty")!.VerifiedBy);
            gateway.Note("tests recorded: " + string.Join(", ", tests.Select(t => $"{t.Input} by {t.TestedBy}")));

            // The smoke test's round trip (press to the center's ack, the gateway's monotonic measure) comes with its health.
            var smoke = tests.Single(t => t.Input == "gym-smoke");
            await gateway.WaitForOutputAsync($"Center acknowledged {smoke.EventId}", s_wait);
            await center.SendCommandAsync("test-school/gw1", "status", new Dictionary<string, object>(), CancellationToken.None);
            await GatewayProcess.WaitUntilAsync(() => records.Tests.Get(smoke.EventId)?.RoundTripMs is not null, s_wait);
        }

        // The center restarts: the open patrol ticket is still there; the report names the panic nobody tested.
        records.Dispose();
        using var reopened = new Center.Storage.CenterRecords(new CenterDatabase(databaseFile), TimeProvider.System, "duty-officer");
        var commands = new RecordCommands(reopened, TimeProvider.System, TimeSpan.FromDays(90), "duty-officer");
        var now = TimeProvider.System.GetUtcNow();
        var report = TestReport.Build(reopened.Tests, "test-school", now.AddDays(-1), now.AddMinutes(1), TimeSpan.FromDays(90));
        output.WriteLine(commands.OpenTickets());
        output.WriteLine(reopened.Tickets.HistoryCsv(now.AddDays(-1), now.AddMinutes(1)));
        output.WriteLine(report.ToCsv());
        output.WriteLine(report.ToHtml());

        Assert.Contains(reopened.Tickets.Open(), t => t.Ticket.Source == "night" && t.Ticket.Fault == "patrol-missed");
        Assert.Contains(report.Overdue, l => l.Input.Input == "office-panic");
        Assert.Equal(ProofStatus.Proven, report.Lines.Single(l => l.Input.Input == "gate-duty").Status);
        Assert.Equal(ProofStatus.Proven, report.Lines.Single(l => l.Input.Input == "gym-smoke").Status);
        var smokeLine = report.Lines.Single(l => l.Input.Input == "gym-smoke");
        Assert.Equal("duty-officer", smokeLine.LastTestedBy);
        Assert.NotNull(smokeLine.WorstRoundTripMs);
        Assert.Equal(smokeLine.WorstRoundTripMs, report.WorstRoundTripMs);
        reopened.Dispose();
        Directory.Delete(databaseDirectory, recursive: true);
    }

    private static Ticket? Open(Center.Storage.CenterRecords records, string source, string fault) =>
        records.Tickets.Open().Select(t => t.Ticket).FirstOrDefault(t => t.Source == source && t.Fault == fault);

    private static Ticket? Ticket(Center.Storage.CenterRecords records, string source) =>
        records.Tickets.History(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1)).LastOrDefault(t => t.Source == source);

    /// <summary>Presses the button on <paramref name="pin"/> until the gateway has accepted one more <paramref name="inputAndKind"/> activation, then lets go.</summary>
    private static async Task PressAsync(GatewayProcess gateway, int pin, string inputAndKind)
    {
        var before = Activations(gateway, inputAndKind);
        Assert.Equal("ok", await gateway.SimAsync(string.Create(CultureInfo.InvariantCulture, $"set {pin} low")));
        await GatewayProcess.WaitUntilAsync(() => Activations(gateway, inputAndKind) > before, s_wait);
        Assert.Equal("ok", await gateway.SimAsync(string.Create(CultureInfo.InvariantCulture, $"set {pin} high")));
    }

    private static int Activations(GatewayProcess gateway, string inputAndKind) =>
        gateway.AcceptedLog().Count(e => $"{e.Input} {e.Kind}" == inputAndKind && e.State == "Active");
}
