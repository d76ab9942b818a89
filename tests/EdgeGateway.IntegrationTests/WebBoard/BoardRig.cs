using EdgeGateway.Center;
using EdgeGateway.Center.Web;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.WebBoard;

/// <summary>A real Mosquitto, an in-process <c>edge-center</c> with its web board on a free loopback port, and one operator.</summary>
public sealed class BoardRig : IAsyncDisposable
{
    public const string OperatorName = "张伟";
    public const string Password = "correct horse battery";

    private readonly DirectoryInfo _directory;

    private BoardRig(MosquittoBroker broker, CenterConsole center, BoardServer board, DirectoryInfo directory, Center.Storage.CenterRecords? records)
    {
        Records = records;
        Broker = broker;
        Center = center;
        Board = board;
        _directory = directory;
    }

    public MosquittoBroker Broker { get; }

    public CenterConsole Center { get; }

    public BoardServer Board { get; }

    /// <summary>The center's records (<c>--db</c>) when started with them: the board then has its tickets and report pages.</summary>
    public Center.Storage.CenterRecords? Records { get; }

    public static async Task<BoardRig> StartAsync(TimeProvider time, int reportingSeconds = 180, bool withRecords = false)
    {
        var directory = Directory.CreateTempSubdirectory("edge-board-");
        var users = Path.Combine(directory.FullName, "operators");
        new OperatorPasswords(users).Set(OperatorName, Password);
        var broker = await MosquittoBroker.StartAsync();
        var center = new CenterConsole(new CenterOptions { Port = broker.Port, Operator = "not-the-operator", ReportingSeconds = reportingSeconds }, time);
        var records = withRecords ? new Center.Storage.CenterRecords(new Center.Storage.CenterDatabase(Path.Combine(directory.FullName, "center.db")), time, "not-the-operator") : null;
        records?.Attach(center);
        var board = await BoardServer.StartAsync(
            new BoardWebOptions { Http = "127.0.0.1:0", UsersFile = users }, center, time, CancellationToken.None, records is null ? null : new BoardRecords(records, TimeSpan.FromDays(90)));
        await center.ConnectAsync(CancellationToken.None);
        return new BoardRig(broker, center, board, directory, records);
    }

    public async ValueTask DisposeAsync()
    {
        await Board.DisposeAsync();
        await Center.DisposeAsync();
        Records?.Dispose();
        await Broker.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
