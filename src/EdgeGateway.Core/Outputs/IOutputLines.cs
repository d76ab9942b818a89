namespace EdgeGateway.Core.Outputs;

/// <summary>The output lines (LED, sounder, relay). "On" means the load is on; active-low wiring is the lines' business.</summary>
public interface IOutputLines
{
    /// <summary>Opens every output and drives it to its off level.</summary>
    void Open(IReadOnlyList<OutputOptions> outputs);

    /// <summary>Turns every output with <paramref name="role"/> on or off. Outputs not opened are ignored.</summary>
    void Set(OutputRole role, bool on);

    /// <summary>Drives every output off and releases it.</summary>
    void Close();
}
