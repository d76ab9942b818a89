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

    private BoardRig(MosquittoBroker broker, CenterConsole center, BoardServer board, DirectoryInfo directory)
    {
        Broker = broker;
        Center = center;
        Board = board;
        _directory = directory;
    }

    public MosquittoBroker Broker { get; }

    public CenterConsole Center { get; }

    public BoardServer Board { get; }

    public static async Task<BoardRig> StartAsync(TimeProvider time, int reportingSeconds = 180)
    {
        var directory = Directory.CreateTempSubdirectory("edge-board-");
        var users = Path.Combine(directory.FullName, "operators");
        new OperatorPasswords(users).Set(OperatorName, Password);
        var broker = await MosquittoBroker.StartAsync();
        var center = new CenterConsole(new CenterOptions { Port = broker.Port, Operator = "not-the-operator", ReportingSeconds = reportingSeconds }, time);
        var board = await BoardServer.StartAsync(new BoardWebOptions { Http = "127.0.0.1:0", UsersFile = users }, center, time, CancellationToken.None);
        await center.ConnectAsync(CancellationToken.None);
        return new BoardRig(broker, center, board, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Board.DisposeAsync();
        await Center.DisposeAsync();
        await Broker.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
