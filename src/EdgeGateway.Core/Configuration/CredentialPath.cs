namespace EdgeGateway.Core.Configuration;

/// <summary>
/// Resolves a secret file named in the configuration. Under systemd, <c>LoadCredential=NAME:/etc/edge-gateway/NAME</c>
/// copies a root-only file into <c>$CREDENTIALS_DIRECTORY</c>, readable by the service's dynamic user; a credential with
/// the same file name as the configured path is used instead of the path. Outside systemd (an installer running
/// <c>check-config</c> or <c>selftest</c> as root) the configured path is read directly.
/// </summary>
public static class CredentialPath
{
    /// <summary>The variable systemd sets for a unit with <c>LoadCredential=</c>.</summary>
    public const string DirectoryVariable = "CREDENTIALS_DIRECTORY";

    public static string Resolve(string path) => Resolve(path, Environment.GetEnvironmentVariable(DirectoryVariable));

    public static string Resolve(string path, string? credentialsDirectory)
    {
        if (string.IsNullOrEmpty(credentialsDirectory) || string.IsNullOrEmpty(path))
        {
            return path;
        }

        var credential = Path.Combine(credentialsDirectory, Path.GetFileName(path));
        return File.Exists(credential) ? credential : path;
    }
}
