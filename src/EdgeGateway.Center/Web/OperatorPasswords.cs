using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Center.Web;

/// <summary>
/// The board's operators: a file of <c>name:pbkdf2-sha256:iterations:salt:hash</c> lines (base64 salt and hash, <c>#</c>
/// comments), written by <c>edge-center passwd</c>. PBKDF2-HMAC-SHA256 with a 16-byte random salt; the file holds no
/// password. Read at every sign-in, so an added or changed operator needs no restart.
/// </summary>
public sealed class OperatorPasswords(string path)
{
    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about a quarter second per sign-in here, slow for a guesser.</summary>
    public const int Iterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public string Path { get; } = path;

    /// <summary>Sets (adds or replaces) <paramref name="name"/>'s password; the file is replaced whole, owner-only.</summary>
    public void Set(string name, string password)
    {
        if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal) || name.Any(char.IsControl) || name.Trim() != name)
        {
            throw new ArgumentException($"operator name '{name}': not empty, no ':', no control characters, no leading or trailing spaces", nameof(name));
        }

        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        var line = string.Create(CultureInfo.InvariantCulture, $"{name}:{Scheme}:{Iterations}:{Convert.ToBase64String(salt)}:{Convert.ToBase64String(hash)}");
        var lines = File.Exists(Path) ? File.ReadAllLines(Path).Where(l => NameOf(l) != name).ToList() : [];
        lines.Add(line);
        var temporary = Path + ".new";
        File.WriteAllLines(temporary, lines);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>True when <paramref name="name"/> is in the file and <paramref name="password"/> is theirs.</summary>
    public bool Verify(string name, string password)
    {
        var line = File.Exists(Path) ? File.ReadLines(Path).FirstOrDefault(l => NameOf(l) == name) : null;
        var fields = line?.Split(':');
        if (fields is not { Length: 5 } || fields[1] != Scheme || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            // The same work for an unknown name: the answer's time does not tell which names exist.
            Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), new byte[SaltBytes], Iterations, HashAlgorithmName.SHA256, HashBytes);
            return false;
        }

        try
        {
            var expected = Convert.FromBase64String(fields[4]);
            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(fields[3]), iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The operators in the file (none when it does not exist).</summary>
    public IReadOnlyList<string> Names() =>
        File.Exists(Path) ? [.. File.ReadLines(Path).Select(NameOf).OfType<string>()] : [];

    private static string? NameOf(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return line.StartsWith('#') || colon < 1 ? null : line[..colon];
    }
}
