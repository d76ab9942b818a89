using System.Security.Cryptography;
using EdgeGateway.Center;
using EdgeGateway.Center.Web;

namespace EdgeGateway.Demo.Board;

/// <summary>
/// The center's web board for the demo's in-process center, on 127.0.0.1 with a free port, and one operator whose
/// password is made up at start (in a users file in the demo's temporary directory, gone with it): printed once, so
/// a newcomer can sign in while the demo runs and nobody else on the machine knows it.
/// </summary>
public sealed class DemoBoard : IAsyncDisposable
{
    public const string OperatorName = "demo";

    private readonly BoardServer _server;

    private DemoBoard(BoardServer server, string password)
    {
        _server = server;
        Password = password;
    }

    public Uri Address => _server.Address;

    public string Password { get; }

    public static async Task<DemoBoard> StartAsync(CenterConsole center, string directory, TimeProvider time, CancellationToken cancellationToken)
    {
        var users = Path.Combine(directory, "board-operators");
        // 12 random bytes, URL-safe: typed by hand once, guessed by nobody.
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
        new OperatorPasswords(users).Set(OperatorName, password);
        var server = await BoardServer.StartAsync(new BoardWebOptions { Http = "127.0.0.1:0", UsersFile = users }, center, time, cancellationToken);
        return new DemoBoard(server, password);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
