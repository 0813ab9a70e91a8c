using System.Text.Json;
using TensorPool.Testing;
using TensorPool.TraceLink.Store;

namespace TensorPool.Cli.Tests.Trace;

/// <summary><c>tp trace lineage|frames|expand</c> in process, and the arguments every <c>tp trace</c> command refuses.</summary>
public class TraceCommandTests
{
    private static string Db(TempDirectory dir, Action<TraceStore>? fill = null)
    {
        string path = Path.Combine(dir.Path, "trace.db");
        using TraceStore store = TraceStore.Open(new TraceStoreOptions { Path = path, FlushInterval = TimeSpan.FromMilliseconds(10) });
        fill?.Invoke(store);
        Assert.That(store.WaitForWrites(TimeSpan.FromMinutes(2)), Is.True);
        return path;
    }

    private static TraceFrame Frame(uint stream, ulong seq, ulong trace) =>
        new() { StreamId = stream, Epoch = 1, Seq = seq, TraceId = trace, TimeNs = 1000 + (long)seq };

    [TestCase("trace lineage", "Required argument missing")]
    [TestCase("trace lineage 0", "trace id 0 is the null trace id")]
    [TestCase("trace lineage xyz", "trace id 'xyz' must be a decimal or 0x-hexadecimal")]
    [TestCase("trace lineage 0xZZ", "trace id '0xZZ'")]
    [TestCase("trace lineage -5", "trace id '-5' must be")]
    [TestCase("trace lineage 12 --depth 0", "--depth 0 must be from 1 to 10000")]
    [TestCase("trace frames 99999999999999999999", "must be a decimal or 0x-hexadecimal 64-bit number")]
    [TestCase("trace expand --batch 0", "--batch 0 must be from 1 to 1000000")]
    [TestCase("trace record --flush-ms 5", "--flush-ms 5 must be from 10 to 100")]
    [TestCase("trace record --seconds 0", "--seconds 0 must be positive")]
    [TestCase("trace record --match-timeout -1", "--match-timeout -1 must be positive")]
    [TestCase("trace record --stream x", "Cannot parse argument 'x'")]
    [TestCase("trace record --queue 1000", "--queue 1000 must be a power of two from 1024")]
    [TestCase("trace record --channel nope", "--channel: channel 'nope' has no scheme")]
    [TestCase("trace record --descriptor-stream 0", "must be positive stream ids")]
    [TestCase("trace record --namespace .x", "--namespace '.x' must be")]
    [TestCase("trace", "Required command was not provided")]
    public void Bad_arguments_exit_2_with_one_line(string commandLine, string expect)
    {
        (int exit, string output, string error) = Tp.Run(commandLine.Split(' '));

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), error + output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("tp").And.Contain(expect));
    }

    [TestCase("lineage")]
    [TestCase("frames")]
    public void A_missing_database_is_bad_input_and_is_not_created(string command)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "missing.db");

        (int exit, _, string error) = Tp.Run("trace", command, "42", "--db", path);

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error.Trim(), Is.EqualTo($"tp trace {command}: {path}: no such database"));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void A_database_that_is_not_a_trace_store_is_bad_input()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "garbage.db");
        File.WriteAllText(path, new string('z', 5000));

        (int exit, _, string error) = Tp.Run("trace", "lineage", "42", "--db", path);

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error.Trim(), Does.StartWith($"tp trace lineage: {path}: not an SQLite database"));
    }

    [Test]
    public void Frames_lists_a_traces_frames_by_time_in_JSON_with_camelCase_keys_11_1()
    {
        using var dir = new TempDirectory();
        string db = Db(dir, s =>
        {
            s.TryRecordFrame(Frame(10003, 2, 0x5000));
            s.TryRecordFrame(Frame(10002, 1, 0x5000));
        });

        (int exit, string output, string error) = Tp.Run("trace", "frames", "0x5000", "--db", db, "--json");

        Assert.That(exit, Is.Zero, error);
        JsonElement r = JsonDocument.Parse(output).RootElement;
        Assert.That(r.GetProperty("traceId").GetUInt64(), Is.EqualTo(0x5000));
        Assert.That(r.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("streamId").GetUInt32()), Is.EqualTo(new uint[] { 10002, 10003 }));
        Assert.That(r.GetProperty("frames")[0].GetProperty("tNs").GetInt64(), Is.EqualTo(1001));
    }

    [Test]
    public void Lineage_of_an_unknown_trace_is_empty_not_an_error()
    {
        using var dir = new TempDirectory();
        string db = Db(dir);

        (int exit, string output, _) = Tp.Run("trace", "lineage", "12345", "--db", db);

        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("(no frames recorded)").And.Contain("ancestors: 0").And.Contain("descendants: 0"));
    }

    [Test]
    public void Lineage_says_when_the_depth_cut_it_short()
    {
        using var dir = new TempDirectory();
        string db = Db(dir, s =>
        {
            s.TryRecordLinks(0x30, [0x20]);
            s.TryRecordLinks(0x20, [0x10]);
        });

        (int exit, string output, _) = Tp.Run("trace", "lineage", "0x30", "--db", db, "--depth", "1");
        (int jsonExit, string json, _) = Tp.Run("trace", "lineage", "0x30", "--db", db, "--depth", "1", "--json");

        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("links continue beyond depth 1"));
        Assert.That(jsonExit, Is.Zero);
        Assert.That(JsonDocument.Parse(json).RootElement.GetProperty("truncated").GetBoolean(), Is.True);
    }

    [Test]
    public void Expand_materialises_windows_into_links_14_2_4()
    {
        using var dir = new TempDirectory();
        string db = Db(dir, s =>
        {
            for (ulong seq = 0; seq < 4; seq++)
            {
                s.TryRecordFrame(Frame(10000, seq, 0x100 + seq));
            }
            s.TryRecordWindow(new TraceWindow { TraceId = 0xF00, InStreamId = 10000, Epoch = 1, SeqStart = 1, SeqEnd = 2 });
        });

        (int exit, string output, string error) = Tp.Run("trace", "expand", "--db", db, "--json");
        (int again, string second, _) = Tp.Run("trace", "expand", "--db", db);

        Assert.That(exit, Is.Zero, error);
        JsonElement r = JsonDocument.Parse(output).RootElement;
        Assert.That(r.GetProperty("windows").GetInt64(), Is.EqualTo(1));
        Assert.That(r.GetProperty("linksAdded").GetInt64(), Is.EqualTo(2));
        Assert.That(again, Is.Zero);
        Assert.That(second, Does.Contain("1 windows in 1 transactions, 0 links added"));
        (_, string lineage, _) = Tp.Run("trace", "lineage", "0xF00", "--db", db, "--json");
        Assert.That(JsonDocument.Parse(lineage).RootElement.GetProperty("roots").EnumerateArray().Select(e => e.GetUInt64()),
            Is.EquivalentTo(new ulong[] { 0x101, 0x102 }));
    }

    [Test]
    public void Expand_of_a_missing_database_is_bad_input()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "nope.db");

        (int exit, _, string error) = Tp.Run("trace", "expand", "--db", path);

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error, Does.Contain("no such database"));
        Assert.That(File.Exists(path), Is.False);
    }
}
