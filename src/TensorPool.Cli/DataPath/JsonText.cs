using System.Text;
using System.Text.Json;

namespace TensorPool.Cli.DataPath;

/// <summary>One JSON object on one line, written with Utf8JsonWriter (no reflection).</summary>
internal static class JsonText
{
    public static string Object(Action<Utf8JsonWriter> write, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A rate that is finite (0 when nothing was measured).</summary>
    public static double Rate(double count, double seconds) => seconds > 0 && double.IsFinite(count / seconds) ? count / seconds : 0;
}
