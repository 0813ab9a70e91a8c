using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using TensorPool.Cli;
using TensorPool.Testing;

namespace TensorPool.Sbe.Tests;

/// <summary>`tp decode` and `tp encode`, in process (the command root with captured output) and once as a real process.</summary>
public class CliTests
{
    private static (int Exit, string Out, string Err) Tp(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = TpCommand.Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Messages))]
    public void Decode_json_equals_the_reference_and_encode_gives_back_the_bytes(string file)
    {
        string bin = ReferenceFiles.Path_(file);
        (int exit, string json, string err) = Tp("decode", bin, "--json");
        Assert.That(exit, Is.Zero, err);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(ReferenceFiles.Json(file))), Is.True, json);

        using var dir = new TempDirectory();
        string outFile = Path.Combine(dir.Path, "out.bin");
        (exit, _, err) = Tp("encode", Path.ChangeExtension(bin, ".json"), "-o", outFile);
        Assert.That(exit, Is.Zero, err);
        Assert.That(File.ReadAllBytes(outFile), Is.EqualTo(ReferenceFiles.Bytes(file)));
    }

    [Test]
    public void Decode_without_json_prints_a_readable_form()
    {
        (int exit, string text, _) = Tp("decode", ReferenceFiles.Path_("messages/shm_pool_announce.bin"));
        Assert.That(exit, Is.Zero);
        Assert.That(text, Does.StartWith("ShmPoolAnnounce (schemaId 900, templateId 1, version 1, blockLength 35, 98 bytes)"));
        Assert.That(text, Does.Contain("  payloadPools: 1 entry"));
        Assert.That(text, Does.Contain("      regionUri: \"shm:///tmp/pool1\""));
        Assert.That(text, Does.Contain("  announceClockDomain: \"MONOTONIC\""));
    }

    [Test]
    public void Bad_files_get_one_line_and_exit_code_2()
    {
        using var dir = new TempDirectory();
        string Write(string name, byte[] bytes)
        {
            string path = Path.Combine(dir.Path, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        string announce = ReferenceFiles.Path_("messages/shm_pool_announce.bin");
        byte[] valid = File.ReadAllBytes(announce);
        var cases = new List<(string[] Args, string Expect)>
        {
            (["decode", Path.Combine(dir.Path, "missing.bin")], "no such file"),
            (["decode", dir.Path], "is a directory"),
            (["decode", Write("empty.bin", [])], "empty file"),
            (["decode", Write("short.bin", [1, 2, 3])], "too short"),
            (["decode", Write("schema.bin", [0, 0, 1, 0, 0x39, 0x30, 1, 0])], "unknown schemaId 12345"),
            (["decode", Write("template.bin", [0, 0, 99, 0, 0x84, 0x03, 1, 0])], "schema 900 has no templateId 99"),
            (["decode", Write("truncated.bin", valid[..40])], "Truncated"),
            (["decode", Write("trailing.bin", [.. valid, 0])], "1 bytes after"),
            (["decode", ReferenceFiles.Path_("malformed/discovery_response.bin")], "not a valid DiscoveryResponse"),
            (["encode", Path.Combine(dir.Path, "missing.json")], "no such file"),
            (["encode", Write("empty.json", [])], "empty file"),
            (["encode", Write("garbage.json", "{not json"u8.ToArray())], "not JSON"),
            (["encode", Write("binary.json", [0xFF, 0xFE, 0x00])], "not UTF-8"),
            (["encode", Write("array.json", "[1]"u8.ToArray())], "expected an object"),
            (["encode", Write("noid.json", "{\"fields\":{}}"u8.ToArray())], "give schemaId and templateId"),
            (["encode", Write("unknown.json", "{\"schemaId\":12345,\"templateId\":1,\"fields\":{}}"u8.ToArray())], "no message 12345/1"),
            (["encode", Write("name.json", "{\"message\":\"Nope\",\"fields\":{}}"u8.ToArray())], "no message named 'Nope'"),
            (["encode", Write("mismatch.json", "{\"message\":\"QosProducer\",\"schemaId\":900,\"templateId\":4,\"fields\":{}}"u8.ToArray())], "does not match"),
            (["encode", Write("range.json", Fd("\"streamId\": 4294967296"))], "fields.streamId: expected an integer in 0..4294967295"),
            (["encode", Write("negative.json", Fd("\"streamId\": -1"))], "fields.streamId"),
            (["encode", Write("missingfield.json", Fd(""))], "fields.streamId: required field is missing"),
            (["encode", Write("unknownfield.json", Fd("\"streamId\": 1, \"bogus\": 2"))], "fields.bogus: unknown field"),
            (["encode", Write("enum.json", "{\"message\":\"QosConsumer\",\"fields\":{\"streamId\":1,\"consumerId\":1,\"epoch\":1,\"lastSeqSeen\":1,\"dropsGap\":0,\"dropsLate\":0,\"mode\":\"FAST\"}}"u8.ToArray())], "fields.mode: 'FAST' is not one of STREAM, RATE_LIMITED"),
            (["encode", Write("hex.json", "{\"message\":\"MetaBlobChunk\",\"fields\":{\"streamId\":1,\"metaVersion\":1,\"chunkOffset\":0,\"bytes\":\"xyz\"}}"u8.ToArray())], "fields.bytes: 'xyz' is not hex"),
            (["encode", Write("text.json", "{\"message\":\"ControlResponse\",\"fields\":{\"correlationId\":1,\"code\":\"OK\",\"errorMessage\":\"\u20ac\"}}"u8.ToArray())], "does not fit in a byte"),
            (["encode", Write("block.json", "{\"message\":\"FrameDescriptor\",\"blockLength\":41,\"fields\":{}}"u8.ToArray())], "blockLength"),
        };
        foreach ((string[] args, string expect) in cases)
        {
            (int exit, string output, string error) = Tp(args);
            string what = string.Join(' ', args.Select(Path.GetFileName));
            Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), what);
            Assert.That(output, Is.Empty, what);
            Assert.That(error.TrimEnd('\n'), Does.Not.Contain('\n'), what + ": one line");
            Assert.That(error, Does.StartWith("tp " + args[0] + ": ").And.Contain(expect), what);
        }

        static byte[] Fd(string fields) =>
            System.Text.Encoding.UTF8.GetBytes("{\"message\": \"FrameDescriptor\", \"fields\": {" + fields + "}}");
    }

    [Test]
    public void Encode_accepts_the_message_name_alone_and_missing_optionals()
    {
        using var dir = new TempDirectory();
        string json = Path.Combine(dir.Path, "fd.json");
        File.WriteAllText(json, "{\"message\": \"FrameDescriptor\", \"fields\": {\"streamId\": 7, \"epoch\": 1, \"seq\": 2}}");
        string bin = Path.Combine(dir.Path, "fd.bin");

        Assert.That(Tp("encode", json, "-o", bin).Exit, Is.Zero);
        Assert.That(Wire.FrameDescriptorDecoder.TryWrap(File.ReadAllBytes(bin), out var d), Is.True);
        Assert.That(d.StreamId, Is.EqualTo(7u));
        Assert.That(d.TraceId, Is.Null);
        Assert.That(d.MetaVersion, Is.Null);
    }

    [Test]
    public void Tp_runs_as_a_real_process()
    {
        string tp = Path.Combine(AppContext.BaseDirectory, "tp.dll");
        string bin = ReferenceFiles.Path_("messages/trace_link_set.bin");
        using var dir = new TempDirectory();
        string json = Path.Combine(dir.Path, "t.json");

        using (ChildProcess decode = ChildProcess.Start(Psi(tp, "decode", bin, "--json")))
        {
            Assert.That(decode.WaitForExit(TimeSpan.FromMinutes(2)), Is.Zero, decode.StandardError);
            File.WriteAllText(json, decode.StandardOutput);
        }
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(json)), JsonNode.Parse(ReferenceFiles.Json("messages/trace_link_set.bin"))));

        string output = Path.Combine(dir.Path, "t.bin");
        using (ChildProcess encode = ChildProcess.Start(Psi(tp, "encode", json, "-o", output)))
        {
            Assert.That(encode.WaitForExit(TimeSpan.FromMinutes(2)), Is.Zero, encode.StandardError);
        }
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(File.ReadAllBytes(bin)));

        using ChildProcess bad = ChildProcess.Start(Psi(tp, "decode", Path.Combine(dir.Path, "nope.bin")));
        Assert.That(bad.WaitForExit(TimeSpan.FromMinutes(2)), Is.EqualTo(2));
        Assert.That(bad.StandardError, Does.Contain("no such file"));
    }

    private static ProcessStartInfo Psi(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet");
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }
}
