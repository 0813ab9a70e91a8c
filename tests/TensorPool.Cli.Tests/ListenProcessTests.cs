using System.Text.Json;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Cli.Tests;

/// <summary><c>tp listen</c> as a real process: crafted bytes on a real tp:ipc log, a running producer, and every way it stops.</summary>
[NonParallelizable]
public class ListenProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string Listening = "tp listen: listening on";

    private static ChildProcess Start(TempDirectory dir, params string[] args) => Tp.StartIn(dir, "listen-test", args);

    private static JsonElement[] JsonLines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    [Test]
    public void Crafted_messages_on_a_stream_come_out_one_JSON_line_each_decoded_unknown_or_invalid()
    {
        using var dir = new TempDirectory();
        using ChildProcess listen = Start(dir, "listen", "--stream", "4242", "--json", "--count", "4", "--timeout", "300");
        listen.WaitForError(Listening, Timeout);

        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, Namespace = "listen-test" });
        using TpIpcPublication publication = transport.AddPublication("tp:ipc", 4242);
        byte[] announce = ListenMessageTests.Announce();
        foreach (byte[] message in new[] { ListenMessageTests.Descriptor(5), ListenMessageTests.Crafted(1234, 5, 8, 8), [1, 2, 3], announce[..^3] })
        {
            Assert.That(publication.Offer(message), Is.GreaterThanOrEqualTo(0));
        }

        Assert.That(listen.WaitForExit(Timeout), Is.Zero, listen.StandardError);
        JsonElement[] lines = JsonLines(listen.StandardOutput);
        Assert.That(lines, Has.Length.EqualTo(4), listen.StandardOutput);
        Assert.That(lines[0].GetProperty("message").GetString(), Is.EqualTo("FrameDescriptor"));
        Assert.That(lines[0].GetProperty("fields").GetProperty("seq").GetUInt64(), Is.EqualTo(5));
        Assert.That(lines[1].GetProperty("status").GetString(), Is.EqualTo("unknown"));
        Assert.That(lines[1].GetProperty("header").GetProperty("schemaId").GetInt32(), Is.EqualTo(1234));
        Assert.That(lines[2].GetProperty("status").GetString(), Is.EqualTo("invalid"));
        Assert.That(lines[2].GetProperty("reject").GetString(), Is.EqualTo("NoHeader"));
        Assert.That(lines[3].GetProperty("status").GetString(), Is.EqualTo("invalid"));
        Assert.That(lines[3].GetProperty("reason").GetString(), Does.Contain("ShmPoolAnnounce"));
        Assert.That(listen.StandardError, Does.Contain("tp listen: 4 messages (1 decoded, 1 unknown, 2 invalid), 0 lost"));
    }

    [Test]
    public void Listen_decodes_the_announces_and_descriptors_of_a_running_tp_produce()
    {
        using var dir = new TempDirectory();
        using ChildProcess announces = Start(dir, "listen", "--stream", "1000", "--json", "--count", "2", "--timeout", "300");
        using ChildProcess descriptors = Start(dir, "listen", "--stream", "1100", "--count", "3", "--timeout", "300");
        announces.WaitForError(Listening, Timeout);
        descriptors.WaitForError(Listening, Timeout);
        using ChildProcess produce = Start(dir, "produce", "--stream", "10000", "--rate", "50", "--seconds", "600", "--shape", "4x4");
        try
        {
            Assert.That(announces.WaitForExit(Timeout), Is.Zero, announces.StandardError);
            Assert.That(descriptors.WaitForExit(Timeout), Is.Zero, descriptors.StandardError);
        }
        finally
        {
            produce.Signal("INT");
            produce.WaitForExit(Timeout);
        }

        JsonElement[] lines = JsonLines(announces.StandardOutput);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines.Select(l => l.GetProperty("message").GetString()), Has.All.EqualTo("ShmPoolAnnounce"));
        Assert.That(lines.Select(l => l.GetProperty("fields").GetProperty("streamId").GetUInt32()), Has.All.EqualTo(10000));
        string[] titles = [.. descriptors.StandardOutput.Split('\n').Where(l => l.StartsWith('#'))];
        Assert.That(titles, Has.Length.EqualTo(3));
        Assert.That(titles, Has.All.Match(@"^#[123] FrameDescriptor \(schemaId 900, "));
        Assert.That(descriptors.StandardOutput, Does.Contain("  streamId: 10000"));
    }

    [TestCase("TERM")]
    [TestCase("INT")]
    public void Listen_stops_cleanly_on_a_signal_with_its_summary(string signal)
    {
        using var dir = new TempDirectory();
        using ChildProcess listen = Start(dir, "listen", "--stream", "1000");
        listen.WaitForError(Listening, Timeout);

        listen.Signal(signal);

        Assert.That(listen.WaitForExit(Timeout), Is.Zero, listen.StandardError);
        Assert.That(listen.StandardError, Does.Contain("tp listen: 0 messages (0 decoded, 0 unknown, 0 invalid), 0 lost"));
    }

    [Test]
    public void Listen_stops_when_its_piped_standard_input_closes()
    {
        using var dir = new TempDirectory();
        using ChildProcess listen = Start(dir, "listen", "--stream", "1000");
        listen.WaitForError(Listening, Timeout);

        listen.CloseStandardInput();

        Assert.That(listen.WaitForExit(Timeout), Is.Zero, listen.StandardError);
        Assert.That(listen.StandardError, Does.Contain("0 lost"));
    }

    [Test]
    public void Listen_exits_1_when_the_timeout_comes_before_count_messages()
    {
        using var dir = new TempDirectory();
        using ChildProcess listen = Start(dir, "listen", "--stream", "1000", "--count", "5", "--timeout", "0.5");

        Assert.That(listen.WaitForExit(Timeout), Is.EqualTo(TpCommand.ExitFailure), listen.StandardError);
        Assert.That(listen.StandardError, Does.Contain("timed out after 0.5 s with 0 of 5 messages"));
    }

    [Test]
    public void Listen_with_a_timeout_and_no_count_exits_0()
    {
        using var dir = new TempDirectory();
        using ChildProcess listen = Start(dir, "listen", "--stream", "1000", "--timeout", "0.5");

        Assert.That(listen.WaitForExit(Timeout), Is.Zero, listen.StandardError);
    }
}
