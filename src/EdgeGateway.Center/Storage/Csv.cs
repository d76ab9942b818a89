using System.Text;

namespace EdgeGateway.Center.Storage;

/// <summary>RFC 4180 rows for the center's exports: a field with a comma, quote or line break is quoted.</summary>
public static class Csv
{
    public static void AppendRow(StringBuilder csv, params string?[] fields)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(fields);
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            var field = fields[i] ?? "";
            csv.Append(field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field);
        }

        csv.Append("\r\n");
    }

    /// <summary>A timestamp field; empty for none.</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? WireTimestamp.Format(t) : "";
}
