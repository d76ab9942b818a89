using System.Text;
using EdgeGateway.Center;
using EdgeGateway.Center.Acks;
using EdgeGateway.Center.Board;
using EdgeGateway.Center.Gaps;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Supervision at the center (EN 50136's reporting time): a gateway not heard for the reporting time is silent, an
/// alarm raised once and cleared when it is heard again; a clean shutdown is offline, never silent. Fake time throughout
/// (the terminal test takes its messages through a real Mosquitto).
/// </summary>
public sealed class CenterSupervisionTests : IDisposable
{
    private const string Gateway = "test-school/gw1";
    private static readonly TimeSpan s_reporting = TimeSpan.FromSeconds(180);

    private readonly FakeTimeProvider _time = new();
    private readonly SeqGapDetector _seqs = new();
    private readonly GatewayBoard _board;
    private readonly SilenceWatch _watch;
    private readonly List<string> _silent = [];
    private readonly List<(string Gateway, TimeSpan SilentFor)> _heardAgain = [];
    private readonly List<Exception> _failures = [];

    public CenterSupervisionTests()
    {
        _board = new GatewayBoard(new AlarmLedger(), _seqs, _time, s_reporting);
        _board.HeardAgain += (entry, silentFor) => _heardAgain.Add((entry.Gateway, silentFor));
        _watch = new SilenceWatch(_board, _time, entry => _silent.Add(entry.Gateway), _failures.Add);
    }

    public void Dispose() => _watch.Dispose();

    [Fact]
    public void OnlineGateway_NotHeardForTheReportingTime_IsSilentOnce_AndHeardAgainClearsIt()
    {
        _board.ApplyStatus(Gateway, Status("online"));
        _time.Advance(s_reporting);
        Assert.Equal(GatewayReachability.Online, _board.Entry(Gateway)!.Reachability);
        Assert.Empty(_silent);

        _time.Advance(SilenceWatch.CheckInterval);
        Assert.Equal([Gateway], _silent);
        Assert.Equal(GatewayReachability.Silent, _board.Entry(Gateway)!.Reachability);
        // Reported once per silence, however long it lasts.
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([Gateway], _silent);

        _board.ApplyHealth(Gateway, Health(testMode: false));
        Assert.Equal(GatewayReachability.Online, _board.Entry(Gateway)!.Reachability);
        Assert.Equal([(Gateway, s_reporting + SilenceWatch.CheckInterval + TimeSpan.FromMinutes(10))], _heardAgain);

        // A second silence is a second alarm.
        _time.Advance(s_reporting + SilenceWatch.CheckInterval);
        Assert.Equal([Gateway, Gateway], _silent);
        Assert.Empty(_failures);
    }

    [Fact]
    public void CleanShutdown_IsOffline_AndNeverSilent()
    {
        _board.ApplyStatus(Gateway, Status("offline", "shutdown"));
        _time.Advance(TimeSpan.FromHours(30));

        Assert.Empty(_silent);
        var entry = _board.Entry(Gateway)!;
        Assert.Equal(GatewayReachability.Offline, entry.Reachability);
        Assert.Equal("shutdown", entry.OfflineReason);
    }

    [Fact]
    public void TheBrokersWill_IsNotHearingTheGateway_SilenceCountsFromItsOwnLastWord()
    {
        _board.ApplyStatus(Gateway, Status("online"));
        _time.Advance(TimeSpan.FromSeconds(100));
        _board.ApplyStatus(Gateway, Status("offline", "connection-lost"));
        Assert.Equal(GatewayReachability.Offline, _board.Entry(Gateway)!.Reachability);

        _time.Advance(TimeSpan.FromSeconds(81));
        Assert.Equal([Gateway], _silent);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(181), _board.Entry(Gateway)!.LastHeardAt);

        // Its online status when it reconnects is the gateway itself again.
        _board.ApplyStatus(Gateway, Status("online"));
        Assert.Equal(GatewayReachability.Online, _board.Entry(Gateway)!.Reachability);
        Assert.Single(_heardAgain);
    }

    [Fact]
    public void AGatewayKnownOnlyFromItsRetainedWill_IsSilentAReportingTimeAfterTheConsoleLearnedOfIt()
    {
        _board.ApplyStatus(Gateway, Status("offline", "connection-lost"));
        _time.Advance(s_reporting + SilenceWatch.CheckInterval);

        Assert.Equal([Gateway], _silent);
        Assert.Null(_board.Entry(Gateway)!.LastHeardAt);
    }

    [Fact]
    public void AlarmsAndEvents_CountAsHearingTheGateway()
    {
        _board.ApplyStatus(Gateway, Status("online"));
        for (var seq = 1; seq <= 5; seq++)
        {
            _time.Advance(TimeSpan.FromSeconds(100));
            _board.ApplyArrival(Message("event", seq));
        }

        Assert.Empty(_silent);
        Assert.Equal(GatewayReachability.Online, _board.Entry(Gateway)!.Reachability);
    }

    [Fact]
    public void SeqGapsAndTestMode_AreOnTheGatewaysLine()
    {
        _board.ApplyStatus(Gateway, Status("online"));
        _seqs.Observe(Gateway, 1);
        _seqs.Observe(Gateway, 5);
        _board.ApplyHealth(Gateway, Health(testMode: true));

        var entry = _board.Entry(Gateway)!;
        Assert.Equal([2L, 3L, 4L], entry.MissingSeqs);
        Assert.True(entry.Health!.TestMode);
        Assert.Equal("test-school", entry.Site);
    }

    [Fact]
    public void AViewThatThrows_DoesNotStopSupervisionOfTheOthers()
    {
        var board = new GatewayBoard(new AlarmLedger(), new SeqGapDetector(), _time, s_reporting);
        var reported = new List<string>();
        using var watch = new SilenceWatch(board, _time, entry =>
        {
            reported.Add(entry.Gateway);
            throw new InvalidOperationException($"view broke on {entry.Gateway}");
        }, _failures.Add);
        board.ApplyStatus(Gateway, Status("online"));
        board.ApplyStatus("other-school/gw2", Status("online"));

        _time.Advance(s_reporting + SilenceWatch.CheckInterval);

        Assert.Equal(2, _failures.Count);
        Assert.Equal(["other-school/gw2", Gateway], reported.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheTerminal_SaysSchoolSilent_OnTheBoardToo_AndHeardAgain()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var center = new CenterConsole(new CenterOptions { Port = broker.Port, ReportingSeconds = 60 }, _time);
        var screen = new StringWriter();
        var view = new CenterView(center, TextWriter.Synchronized(screen), _time);
        await center.ConnectAsync(CancellationToken.None);
        await using var gateway = new MqttRecorder(broker.Port, "quiet-gateway", filter: "campus/v1/none");
        await gateway.StartAsync();
        await gateway.PublishAsync("campus/v1/test-school/gw1/status", """{"state":"online","boot":"b1"}""");
        await GatewayProcess.WaitUntilAsync(() => center.BoardEntry(Gateway) is not null, TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(61));
        view.WriteBoard();
        Assert.Contains($"SILENT {Gateway} SCHOOL SILENT: not heard for 61 s, reporting time 60 s", screen.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"test-school/gw1\s+SILENT \(not heard for 61 s, reporting time 60 s\)", screen.ToString());

        _time.Advance(TimeSpan.FromSeconds(9));
        await gateway.PublishAsync("campus/v1/test-school/gw1/status", """{"state":"online","boot":"b1"}""");
        await GatewayProcess.WaitUntilAsync(() => screen.ToString().Contains($"HEARD  {Gateway} heard again after 70 s of silence", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Equal(GatewayReachability.Online, center.BoardEntry(Gateway)!.Reachability);
    }

    [Fact]
    public void ReportingTimeOutsideItsRange_IsRefusedNamingTheOption()
    {
        Assert.Contains("--reporting-seconds 5 is outside 10-2764800", CenterOptionsCheck.Problems(new CenterOptions { ReportingSeconds = 5 }));
        Assert.Empty(CenterOptionsCheck.Problems(new CenterOptions()));
        Assert.Equal(180, new CenterOptions().ReportingSeconds);
    }

    private static byte[] Status(string state, string? reason = null) => Encoding.UTF8.GetBytes(reason is null
        ? $$"""{"state":"{{state}}","boot":"b1"}"""
        : $$"""{"state":"{{state}}","reason":"{{reason}}","boot":"b1"}""");

    private GatewayHealth Health(bool testMode) => new(_time.GetUtcNow(), 0, 0, 0, "primary", 0, null, testMode, testMode ? _time.GetUtcNow().AddHours(1) : null, testMode ? "all" : null);

    private CenterMessage Message(string leaf, long seq) => new(
        $"campus/v1/test-school/gw1/{leaf}", Guid.CreateVersion7().ToString(), seq, "b1", "test-school", "gw1", "hall-door", "door", "active", _time.GetUtcNow(), true, "", false);
}
