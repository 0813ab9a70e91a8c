using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using TensorPool.Control;

namespace TensorPool.Cli.Status;

/// <summary>
/// The table <c>tp status</c> shows: one row per stream (its producer) followed by one row per consumer. Every text
/// from another process (a data source name) is escaped before Spectre.Console sees it.
/// </summary>
internal static class StatusTableView
{
    public static IRenderable Build(IReadOnlyList<StreamStatus> streams, StatusCounts counts, long nowNs)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (string column in new[] { "stream", "epoch", "producer", "seq", "frames/s", "consumer", "mode", "last seq", "lag", "drops gap", "drops late", "seen" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        table.Columns[0].LeftAligned();
        foreach (StreamStatus s in streams)
        {
            string stream = s.StreamId.ToString(CultureInfo.InvariantCulture) + (s.Name is { } n ? " " + n : "");
            table.AddRow(Cells(
                stream, Text(s.Epoch), Text(s.ProducerId), Text(s.CurrentSeq), Rate(s.FramesPerSecond),
                s.Consumers.Count == 0 ? "none" : s.Consumers.Count.ToString(CultureInfo.InvariantCulture) + (s.Consumers.Count == 1 ? " consumer" : " consumers"),
                "", "", "", "", "", Age(s.LastSeenNs, nowNs)));
            foreach (ConsumerStatus c in s.Consumers)
            {
                table.AddRow(Cells(
                    "", c.Epoch == s.Epoch ? "" : c.Epoch.ToString(CultureInfo.InvariantCulture), "", "", Rate(c.FramesPerSecond),
                    c.ConsumerId.ToString(CultureInfo.InvariantCulture), StatusJson.ModeName(c.Mode) ?? "-", c.LastSeqSeen.ToString(CultureInfo.InvariantCulture),
                    Text(c.Lag), c.DropsGap.ToString(CultureInfo.InvariantCulture), c.DropsLate.ToString(CultureInfo.InvariantCulture), Age(c.LastSeenNs, nowNs)));
            }
        }
        string footer = streams.Count == 0 ? "no stream seen yet (announces and QoS come once a second)" : "";
        footer += string.Create(CultureInfo.InvariantCulture,
            $"{(footer.Length > 0 ? "; " : "")}messages: {counts.Applied} applied, {counts.Ignored} ignored, {counts.Malformed} malformed, {counts.Overflowed} over the bounds, {counts.Lost} lost");
        // A line of its own under the table: a caption would wrap at the table's width.
        return new Rows(table, new Text(footer));
    }

    private static IRenderable[] Cells(params string[] cells) => [.. cells.Select(c => new Text(c))];

    private static string Text<T>(T? value)
        where T : struct, IFormattable => value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "-";

    private static string Rate(double? rate) => rate is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string Age(long thenNs, long nowNs) => (StatusJson.AgeMs(thenNs, nowNs) / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
