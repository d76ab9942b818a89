/// <summary>Order statistics for the benchmark tables.</summary>
internal static class Stats
{
    /// <summary>The nearest-rank percentile <paramref name="p"/> (0-100) of <paramref name="samples"/>.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
