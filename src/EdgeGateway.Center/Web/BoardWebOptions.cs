using System.Globalization;
using System.Net;

namespace EdgeGateway.Center.Web;

/// <summary>Options of the web board (<c>--http …</c>); <see cref="Problems"/> names the option of each bad one.</summary>
public sealed class BoardWebOptions
{
    /// <summary><c>ADDRESS:PORT</c> to listen on, an IP address (<c>[::1]:8080</c> for IPv6); port 0 takes a free one (tests).</summary>
    /// <value>Default "" (no web board).</value>
    public string Http { get; set; } = "";

    /// <summary>The operators' password file (<see cref="OperatorPasswords"/>), written by <c>edge-center passwd</c>.</summary>
    /// <value>Default "" (required with <see cref="Http"/>).</value>
    public string UsersFile { get; set; } = "";

    /// <summary>The path the county's reverse proxy serves the board under, e.g. <c>/board</c>; the proxy may also say it in <c>X-Forwarded-Prefix</c>.</summary>
    /// <value>Default "" (the root).</value>
    public string PathBase { get; set; } = "";

    /// <summary>Proxies whose <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Prefix</c> are believed, besides loopback.</summary>
    /// <value>Default none (loopback only).</value>
    public IReadOnlyList<string> KnownProxies { get; set; } = [];

    public bool Enabled => Http.Length > 0;

    /// <summary>The endpoint of <see cref="Http"/>; valid after <see cref="Problems"/> found none.</summary>
    public IPEndPoint Endpoint => IPEndPoint.Parse(Http);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }

        // IPEndPoint also takes a bare address (port 0) and an unbracketed IPv6 one: a port must be said.
        var portGiven = Http.LastIndexOf(':') is var colon and > 0 && Http[(colon + 1)..].All(char.IsAsciiDigit) && colon < Http.Length - 1
            && (Http.Count(c => c == ':') == 1 || Http.StartsWith('['));
        if (!portGiven || !IPEndPoint.TryParse(Http, out var endpoint))
        {
            problems.Add($"--http {Http}: not ADDRESS:PORT with an IP address (e.g. 0.0.0.0:8080, 127.0.0.1:8080, [::]:8080)");
        }
        else if (endpoint.Port is < 0 or > 65535)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--http {Http}: port {endpoint.Port} is outside 0-65535"));
        }

        if (UsersFile.Length == 0)
        {
            problems.Add("--http needs --http-users FILE, the operators' password file (add one: edge-center passwd --users FILE NAME)");
        }
        else if (!File.Exists(UsersFile))
        {
            problems.Add($"--http-users {UsersFile}: no such file (add an operator: edge-center passwd --users {UsersFile} NAME)");
        }
        else if (new OperatorPasswords(UsersFile).Names().Count == 0)
        {
            problems.Add($"--http-users {UsersFile}: no operator in it (add one: edge-center passwd --users {UsersFile} NAME)");
        }

        if (PathBase.Length > 0 && (!PathBase.StartsWith('/') || PathBase.EndsWith('/')))
        {
            problems.Add($"--http-path-base {PathBase}: starts with '/' and does not end with one (e.g. /board)");
        }

        problems.AddRange(KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"--http-known-proxy {p}: not an IP address"));
        return problems;
    }
}
