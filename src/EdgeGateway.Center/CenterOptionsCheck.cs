namespace EdgeGateway.Center;

/// <summary>Checks <see cref="CenterOptions"/> before the console starts; each problem names its command-line option.</summary>
public static class CenterOptionsCheck
{
    public static IReadOnlyList<string> Problems(CenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Range("--port", options.Port, 1, 65535);
        Range("--keepalive", options.KeepAliveSeconds, 1, 300);
        Range("--connect-timeout", options.ConnectTimeoutSeconds, 1, 300);
        Range("--reconnect-delay-ms", options.ReconnectDelayMs, 10, 60000);
        Range("--reconnect-max-seconds", options.ReconnectMaxDelaySeconds, 1, 3600);
        Range("--session-expiry", options.SessionExpirySeconds, 0, 2592000);
        Range("--reporting-seconds", options.ReportingSeconds, 10, 2764800);
        if (options.ReconnectDelayMs > options.ReconnectMaxDelaySeconds * 1000L)
        {
            problems.Add($"--reconnect-delay-ms {options.ReconnectDelayMs} is longer than --reconnect-max-seconds {options.ReconnectMaxDelaySeconds}");
        }

        if ((options.ClientCertFile.Length > 0) != (options.ClientKeyFile.Length > 0))
        {
            problems.Add("--client-cert and --client-key go together");
        }

        foreach (var (option, file) in new[] { ("--ca-file", options.CaFile), ("--client-cert", options.ClientCertFile), ("--client-key", options.ClientKeyFile), ("--credentials-file", options.CredentialsFile) })
        {
            if (file.Length > 0 && !File.Exists(file))
            {
                problems.Add($"{option} {file}: no such file");
            }
        }

        return problems;

        void Range(string option, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                problems.Add($"{option} {value} is outside {min}-{max}");
            }
        }
    }
}
