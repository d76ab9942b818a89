using System.Globalization;
using EdgeGateway.Center.Storage;

namespace EdgeGateway.Center;

/// <summary>
/// The operator's line-based commands (<c>ack</c>, <c>board</c>, <c>cmd</c>, <c>help</c>, <c>quit</c>, and with
/// <c>--db</c> the <see cref="RecordCommands"/>), read from a <see cref="TextReader"/> (stdin) and answered through the
/// <see cref="CenterView"/>.
/// </summary>
public sealed class OperatorConsole(CenterConsole center, CenterView view, RecordCommands? records = null)
{
    public const string Help = """
        commands:
          ack <event id>                              acknowledge an alarm (a unique prefix of 8+ characters will do)
          board                                       print the board of gateways
          cmd <site/gateway> reset [input]            reset a latched input (all latched inputs without one)
          cmd <site/gateway> silence                  silence the local sounder
          cmd <site/gateway> test-mode on [seconds] [input,…]
                                                      test mode on (ends by itself after the timeout), for the
                                                      named inputs only when given (others stay real)
          cmd <site/gateway> test-mode off            test mode off
          cmd <site/gateway> status                   ask for a status/health report
          help                                        this text
          quit                                        leave
        """;

    /// <summary>Reads commands until <c>quit</c> (true) or the end of the input (false).</summary>
    public async Task<bool> RunAsync(TextReader input, CancellationToken cancellationToken)
    {
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!await ExecuteAsync(line, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs one command line; false for <c>quit</c>.</summary>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (words)
        {
            case []:
                return true;
            case ["quit" or "exit"]:
                return false;
            case ["help" or "?"]:
                view.Write((Help.TrimEnd() + (records is null ? "" : "\n" + RecordCommands.Help.TrimEnd())).Replace("\n", "\n[center] ", StringComparison.Ordinal));
                return true;
            case ["board"]:
                view.WriteBoard();
                return true;
            case ["ack", var id]:
                view.Write(await center.AcknowledgeAsync(id, null, cancellationToken) is null
                    ? $"no unique alarm with id {id} (see 'board' for the alarms awaiting ack)"
                    : $"ack for {id} sent");
                return true;
            case ["cmd", var gateway, .. var command] when IsGateway(gateway) && Arguments(command) is var (name, arguments):
                var commandId = await center.SendCommandAsync(gateway, name, arguments, cancellationToken);
                view.Write($"CMD    {gateway} {string.Join(' ', command)} sent, id={commandId}");
                return true;
            case [..] when records?.Execute(words) is { } answer:
                view.Write(answer.TrimEnd().ReplaceLineEndings("\n[center] "));
                return true;
            default:
                view.Write($"not understood: '{line.Trim()}' (type 'help')");
                return true;
        }
    }

    private static bool IsGateway(string gateway) =>
        gateway.Split('/') is [var site, var id] && site.Length > 0 && id.Length > 0 && !gateway.AsSpan().ContainsAny("+#");

    private static (string Name, IReadOnlyDictionary<string, object> Arguments)? Arguments(string[] command) => command switch
    {
        ["reset"] => ("reset", new Dictionary<string, object>()),
        ["reset", var input] => ("reset", new Dictionary<string, object> { ["input"] = input }),
        ["silence"] => ("silence", new Dictionary<string, object>()),
        ["status"] => ("status", new Dictionary<string, object>()),
        ["test-mode", "off"] => ("test-mode", new Dictionary<string, object> { ["on"] = false }),
        ["test-mode", "on"] => ("test-mode", new Dictionary<string, object> { ["on"] = true }),
        ["test-mode", "on", var seconds] when int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) && timeout > 0 =>
            ("test-mode", new Dictionary<string, object> { ["on"] = true, ["timeoutSeconds"] = timeout }),
        ["test-mode", "on", var seconds, var inputs] when int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) && timeout > 0 =>
            ("test-mode", new Dictionary<string, object> { ["on"] = true, ["timeoutSeconds"] = timeout, ["inputs"] = inputs.Split(',', StringSplitOptions.RemoveEmptyEntries) }),
        _ => null,
    };
}
