using System.Globalization;
using TensorPool.Discovery;

namespace TensorPool.Cli.Discovery;

/// <summary><c>tp discover</c>'s table: one row per stream, columns aligned, provider text shown printable.</summary>
internal static class DiscoverTable
{
    private static readonly string[] Header = ["STREAM", "PRODUCER", "EPOCH", "SLOTS", "POOLS (id:stride)", "NAME", "TAGS", "DRIVER"];

    public static void Write(TextWriter output, IReadOnlyList<DiscoveredStream> streams)
    {
        var rows = new List<string[]> { Header };
        foreach (DiscoveredStream s in streams)
        {
            rows.Add([
                s.StreamId.ToString(CultureInfo.InvariantCulture),
                s.ProducerId.ToString(CultureInfo.InvariantCulture),
                s.Epoch.ToString(CultureInfo.InvariantCulture),
                s.HeaderNslots.ToString(CultureInfo.InvariantCulture),
                string.Join(' ', s.Pools.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.PoolId}:{p.StrideBytes}"))),
                DiscoverRun.Printable(s.DataSourceName),
                DiscoverRun.Printable(string.Join(',', s.Tags)),
                DiscoverRun.Printable(string.Create(CultureInfo.InvariantCulture, $"{s.DriverInstanceId} {s.DriverControlChannel}:{s.DriverControlStreamId}")),
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length))];
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
