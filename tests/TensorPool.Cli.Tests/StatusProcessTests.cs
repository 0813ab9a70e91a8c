using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary><c>tp status</c> as a real process watching a real tp produce and tp consume.</summary>
[NonParallelizable]
public class StatusProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static ChildProcess Start(TempDirectory dir, params string[] args) => Tp.StartIn(dir, "status-test", args);

    /// <summary>A producer at 50 Hz and one consumer, running until the test ends; the consumer has reported once.</summary>
    private static (ChildProcess Producer, ChildProcess Consumer) Running(TempDirectory dir)
    {
        ChildProcess consumer = Start(dir, "consume", "--stream", "10000", "--seconds", "600");
        ChildProcess producer = Start(dir, "produce", "--stream", "10000", "--rate", "50", "--seconds", "600", "--shape", "8x8", "--wait-consumers", "1");
        return (producer, consumer);
    }

    private static void Stop(ChildProcess p)
    {
        p.Signal("INT");
        p.WaitForExit(Timeout);
        p.Dispose();
    }

    [Test]
    public void Status_json_shows_the_stream_its_producer_rate_and_consumer_with_mode_and_drops()
    {
        using var dir = new TempDirectory();
        (ChildProcess producer, ChildProcess consumer) = Running(dir);
        try
        {
            JsonElement stream = default;
            // Reports come once a second; a loaded machine may need a second look before both sides have reported twice.
            for (int attempt = 0; attempt < 10; attempt++)
            {
                using ChildProcess status = Start(dir, "status", "--json", "--wait", "3");
                Assert.That(status.WaitForExit(Timeout), Is.Zero, status.StandardError);
                using JsonDocument doc = JsonDocument.Parse(status.StandardOutput);
                JsonElement[] streams = [.. doc.RootElement.GetProperty("streams").EnumerateArray()];
                if (streams.Length == 1 && streams[0].GetProperty("framesPerSecond").ValueKind == JsonValueKind.Number &&
                    streams[0].GetProperty("consumers").GetArrayLength() == 1 &&
                    streams[0].GetProperty("consumers")[0].GetProperty("framesPerSecond").ValueKind == JsonValueKind.Number)
                {
                    stream = streams[0].Clone();
                    Assert.That(doc.RootElement.GetProperty("messages").GetProperty("malformed").GetInt64(), Is.Zero);
                    break;
                }
            }
            Assert.That(stream.ValueKind, Is.EqualTo(JsonValueKind.Object), "the stream with its producer's and consumer's rates was seen");
            Assert.That(stream.GetProperty("streamId").GetUInt32(), Is.EqualTo(10000));
            Assert.That(stream.GetProperty("name").GetString(), Is.EqualTo("tp produce"));
            Assert.That(stream.GetProperty("epoch").GetUInt64(), Is.GreaterThan(0));
            Assert.That(stream.GetProperty("producerId").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(stream.GetProperty("headerNslots").GetUInt32(), Is.EqualTo(64));
            Assert.That(stream.GetProperty("pools").GetArrayLength(), Is.EqualTo(1));
            Assert.That(stream.GetProperty("framesPerSecond").GetDouble(), Is.GreaterThan(0));
            Assert.That(stream.GetProperty("announceAgeMs").GetDouble(), Is.GreaterThanOrEqualTo(0));
            Assert.That(stream.GetProperty("producerStale").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False));
            JsonElement c = stream.GetProperty("consumers")[0];
            Assert.That(c.GetProperty("mode").GetString(), Is.EqualTo("STREAM"));
            Assert.That(c.GetProperty("epoch").GetUInt64(), Is.EqualTo(stream.GetProperty("epoch").GetUInt64()));
            Assert.That(c.GetProperty("lag").GetInt64(), Is.GreaterThanOrEqualTo(0));
            Assert.That(c.TryGetProperty("dropsGap", out _) && c.TryGetProperty("dropsLate", out _), Is.True);
            Assert.That(c.GetProperty("framesPerSecond").GetDouble(), Is.GreaterThan(0));
            Assert.That(c.GetProperty("stale").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False));
        }
        finally
        {
            Stop(producer);
            Stop(consumer);
        }
    }

    [Test]
    public void Status_text_is_a_table_with_the_stream_and_the_consumer_mode()
    {
        using var dir = new TempDirectory();
        (ChildProcess producer, ChildProcess consumer) = Running(dir);
        try
        {
            string text = "";
            for (int attempt = 0; attempt < 10 && !text.Contains("STREAM", StringComparison.Ordinal); attempt++)
            {
                using ChildProcess status = Start(dir, "status", "--wait", "2");
                Assert.That(status.WaitForExit(Timeout), Is.Zero, status.StandardError);
                text = status.StandardOutput;
            }
            Assert.That(text, Does.Contain("stream").And.Contain("frames/s").And.Contain("drops late"));
            Assert.That(text, Does.Contain("10000 tp produce"));
            Assert.That(text, Does.Contain("STREAM"));
            Assert.That(text, Does.Contain("0 malformed"));
        }
        finally
        {
            Stop(producer);
            Stop(consumer);
        }
    }

    [Test]
    public void Status_watch_json_prints_one_object_per_refresh_and_stops_after_its_seconds()
    {
        using var dir = new TempDirectory();
        using ChildProcess status = Start(dir, "status", "--watch", "--json", "--interval", "0.2", "--seconds", "1.5");

        Assert.That(status.WaitForExit(Timeout), Is.Zero, status.StandardError);
        string[] lines = status.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Length, Is.InRange(2, 8), status.StandardOutput);
        foreach (string line in lines)
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            Assert.That(doc.RootElement.GetProperty("streams").GetArrayLength(), Is.Zero, "nothing runs in this namespace");
        }
    }

    [Test]
    public void Status_watch_stops_on_SIGTERM_and_when_its_piped_input_closes()
    {
        using var dir = new TempDirectory();
        using ChildProcess signalled = Start(dir, "status", "--watch", "--interval", "0.2");
        signalled.WaitForLine("no stream seen yet", Timeout); // a first table (the line under it): it is refreshing
        Assert.That(signalled.StandardOutput, Does.Contain("no stream seen yet"));
        signalled.Signal("TERM");
        Assert.That(signalled.WaitForExit(Timeout), Is.Zero, signalled.StandardError);

        using ChildProcess piped = Start(dir, "status", "--watch", "--interval", "0.2");
        piped.WaitForError("tp status: listening", Timeout);
        piped.CloseStandardInput();
        Assert.That(piped.WaitForExit(Timeout), Is.Zero, piped.StandardError);
    }
}
