using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// A command as read from <c>…/cmd</c>: <c>id</c>, <c>command</c> and <c>ts</c> checked, arguments kept as their JSON
/// values for the command that uses them (a wrong type there is <c>invalid-argument</c>, not <c>malformed</c>).
/// </summary>
public sealed class CommandRequest
{
    public const int MaxIdLength = 64;

    // Commands are flat objects; depth 4 leaves room for a small argument object and refuses nesting bombs early.
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 4 };

    private readonly Dictionary<string, JsonElement> _arguments;

    private CommandRequest(string id, string command, DateTimeOffset issuedAt, Dictionary<string, JsonElement> arguments)
    {
        Id = id;
        Command = command;
        IssuedAt = issuedAt;
        _arguments = arguments;
    }

    public string Id { get; }

    public string Command { get; }

    /// <summary>When the center issued the command (its <c>ts</c>).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>
    /// Reads a command. On failure returns null with what could be read (<paramref name="id"/>, <paramref name="command"/>)
    /// and why, for the <c>malformed</c> result. Never throws.
    /// </summary>
    public static CommandRequest? TryParse(ReadOnlyMemory<byte> payload, out string? id, out string? command, out string problem)
    {
        id = null;
        command = null;
        try
        {
            using var document = JsonDocument.Parse(payload, s_options);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"a command is a JSON object, not {root.ValueKind}";
                return null;
            }

            var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                // Clone: the values outlive the document.
                properties[property.Name] = property.Value.Clone();
            }

            return Read(properties, out id, out command, out problem);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // JsonDocument checks structure, not string contents: reading a string with invalid UTF-8 throws
            // InvalidOperationException.
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>The string argument <paramref name="name"/>: absent or null is null; another type is a problem.</summary>
    public bool TryGetString(string name, out string? value, out string problem)
    {
        var found = TryGetArgument(name, JsonValueKind.String, "a string", out var element, out problem);
        value = element?.GetString();
        return found;
    }

    /// <summary>The boolean argument <paramref name="name"/>: absent or null is null; another type is a problem.</summary>
    public bool TryGetBoolean(string name, out bool? value, out string problem)
    {
        var found = TryGetArgument(name, JsonValueKind.True, "true or false", out var element, out problem);
        value = element?.GetBoolean();
        return found;
    }

    /// <summary>
    /// The argument <paramref name="name"/> as a non-empty array of distinct strings of at most
    /// <paramref name="maxLength"/> characters (at most <paramref name="maxCount"/>): absent or null is null.
    /// </summary>
    public bool TryGetStringSet(string name, int maxCount, int maxLength, out IReadOnlySet<string>? value, out string problem)
    {
        value = null;
        if (!TryGetArgument(name, JsonValueKind.Array, "an array of strings", out var element, out problem) || element is not { } array)
        {
            return problem.Length == 0;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } text || text.Length > maxLength || set.Count == maxCount)
            {
                problem = $"'{name}' must be 1-{maxCount} strings of 1-{maxLength} characters";
                return false;
            }

            set.Add(text);
        }

        if (set.Count == 0)
        {
            problem = $"'{name}' must name at least one input (leave it out for all)";
            return false;
        }

        value = set;
        return true;
    }

    /// <summary>The integer argument <paramref name="name"/> within <paramref name="min"/>-<paramref name="max"/>: absent or null is null.</summary>
    public bool TryGetInteger(string name, int min, int max, out int? value, out string problem)
    {
        value = null;
        var expected = $"a whole number {min}-{max}";
        if (!TryGetArgument(name, JsonValueKind.Number, expected, out var element, out problem))
        {
            return false;
        }

        if (element is { } number)
        {
            if (!number.TryGetInt32(out var whole) || whole < min || whole > max)
            {
                problem = $"'{name}' must be {expected}";
                return false;
            }

            value = whole;
        }

        return true;
    }

    /// <summary>
    /// The argument <paramref name="name"/> if it has the <paramref name="kind"/> (<see cref="JsonValueKind.True"/>
    /// stands for either boolean); null when absent or JSON null. False, with the problem, for another kind.
    /// </summary>
    private bool TryGetArgument(string name, JsonValueKind kind, string expected, out JsonElement? element, out string problem)
    {
        element = null;
        problem = "";
        if (!_arguments.TryGetValue(name, out var found) || found.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var fits = kind == JsonValueKind.True ? found.ValueKind is JsonValueKind.True or JsonValueKind.False : found.ValueKind == kind;
        if (!fits)
        {
            problem = $"'{name}' must be {expected}, not {found.ValueKind}";
            return false;
        }

        element = found;
        return true;
    }

    private static CommandRequest? Read(Dictionary<string, JsonElement> properties, out string? id, out string? command, out string problem)
    {
        id = properties.TryGetValue("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            && idElement.GetString() is { Length: > 0 and <= MaxIdLength } readId
            ? readId
            : null;
        command = properties.TryGetValue("command", out var commandElement) && commandElement.ValueKind == JsonValueKind.String
            ? commandElement.GetString()
            : null;
        if (id is null)
        {
            problem = $"'id' must be a string of 1-{MaxIdLength} characters";
            return null;
        }

        if (string.IsNullOrEmpty(command))
        {
            problem = "'command' must be a non-empty string";
            return null;
        }

        if (!properties.TryGetValue("ts", out var tsElement) || tsElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(tsElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var issuedAt))
        {
            problem = "'ts' must be an ISO-8601 UTC time";
            return null;
        }

        problem = "";
        return new CommandRequest(id, command, issuedAt, properties);
    }
}
