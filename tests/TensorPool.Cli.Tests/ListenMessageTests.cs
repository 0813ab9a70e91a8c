using System.Text.Json;
using TensorPool.Cli.Listen;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// How <c>tp listen</c> reads one message's bytes: decoded by whichever schema its header names, unknown schemas and
/// templates kept as hex with the header, rejected bytes as invalid with the reason, never an exception.
/// </summary>
public class ListenMessageTests
{
    internal static byte[] Descriptor(ulong seq = 42)
    {
        byte[] buffer = new byte[64];
        var e = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = 10000;
        e.Epoch = 7;
        e.Seq = seq;
        return buffer[..e.EncodedLength];
    }

    internal static byte[] Announce()
    {
        byte[] buffer = new byte[512];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = 10000;
        a.Epoch = 3;
        a.LayoutVersion = 1;
        a.HeaderNslots = 64;
        var pools = a.PayloadPoolsCount(1);
        pools.Next();
        pools.PoolId = 1;
        pools.PoolNslots = 64;
        pools.StrideBytes = 4096;
        pools.PutRegionUri("shm:file?path=/dev/shm/x/1.pool".AsSpan());
        a.PutHeaderRegionUri("shm:file?path=/dev/shm/x/header.ring".AsSpan());
        return buffer[..a.EncodedLength];
    }

    /// <summary>A header naming <paramref name="schemaId"/>/<paramref name="templateId"/>, then <paramref name="body"/> bytes.</summary>
    internal static byte[] Crafted(ushort schemaId, ushort templateId, ushort blockLength, int body)
    {
        byte[] bytes = new byte[SbeMessageHeader.Size + body];
        new SbeMessageHeader(blockLength, templateId, schemaId, 0).Write(bytes);
        for (int i = SbeMessageHeader.Size; i < bytes.Length; i++)
        {
            bytes[i] = (byte)i;
        }
        return bytes;
    }

    [Test]
    public void A_known_message_is_decoded_to_the_tp_decode_json_form_on_one_line()
    {
        byte[] bytes = Descriptor();
        ClassifiedMessage m = ClassifiedMessage.Classify(bytes);

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Decoded));
        Assert.That(m.Json, Does.Not.Contain("\n"));
        Assert.That(SbeJsonCodec.TryDecode(bytes, out string indented, out _, out _), Is.True);
        using JsonDocument a = JsonDocument.Parse(m.Json!);
        using JsonDocument b = JsonDocument.Parse(indented);
        Assert.That(JsonSerializer.Serialize(a.RootElement), Is.EqualTo(JsonSerializer.Serialize(b.RootElement)));
        Assert.That(SbeJsonCodec.Encode(m.Json!), Is.EqualTo(bytes), "a listened line replays with tp encode");
    }

    [Test]
    public void Every_reference_message_is_decoded_and_the_malformed_one_is_invalid()
    {
        // The reference implementation's messages of schemas 900, 901, 903 and 904 (messages/ and captured/).
        string reference = RepoPaths.RequireReferenceDir();
        string[] files = [.. new[] { "messages", "captured" }.SelectMany(d => Directory.GetFiles(Path.Combine(reference, d), "*.bin"))];
        Assert.That(files, Is.Not.Empty);
        foreach (string file in files)
        {
            ClassifiedMessage m = ClassifiedMessage.Classify(File.ReadAllBytes(file));
            Assert.That(m.Kind, Is.EqualTo(MessageKind.Decoded), $"{file}: {m.Reason}");
        }
        ClassifiedMessage malformed = ClassifiedMessage.Classify(File.ReadAllBytes(Path.Combine(reference, "malformed", "discovery_response.bin")));
        Assert.That(malformed.Kind, Is.EqualTo(MessageKind.Invalid));
        Assert.That(malformed.Header!.Value.SchemaId, Is.EqualTo(910));
    }

    [Test]
    public void An_unknown_schema_is_kept_as_hex_with_its_header()
    {
        byte[] bytes = Crafted(1234, 5, 8, 8);
        ClassifiedMessage m = ClassifiedMessage.Classify(bytes);

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Unknown));
        Assert.That(m.Header!.Value.SchemaId, Is.EqualTo(1234));
        Assert.That(m.Header!.Value.TemplateId, Is.EqualTo(5));
        Assert.That(m.RejectName, Is.EqualTo("UnknownSchema"));
        Assert.That(m.Reason, Does.Contain("unknown schemaId 1234"));

        using JsonDocument line = JsonDocument.Parse(WriteJson(m));
        JsonElement root = line.RootElement;
        Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("unknown"));
        Assert.That(root.GetProperty("header").GetProperty("schemaId").GetInt32(), Is.EqualTo(1234));
        Assert.That(root.GetProperty("header").GetProperty("blockLength").GetInt32(), Is.EqualTo(8));
        Assert.That(root.GetProperty("length").GetInt32(), Is.EqualTo(16));
        Assert.That(root.GetProperty("hex").GetString(), Is.EqualTo(Convert.ToHexStringLower(bytes)));
    }

    [Test]
    public void An_unknown_template_of_a_known_schema_is_unknown_not_invalid()
    {
        ClassifiedMessage m = ClassifiedMessage.Classify(Crafted(900, 250, 8, 8));

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Unknown));
        Assert.That(m.RejectName, Is.EqualTo("UnknownTemplate"));
        Assert.That(m.Reason, Does.Contain("schema 900 has no templateId 250"));
    }

    [Test]
    public void Bytes_too_short_for_a_header_are_invalid_without_one()
    {
        ClassifiedMessage m = ClassifiedMessage.Classify([1, 2, 3, 4, 5]);

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Invalid));
        Assert.That(m.Header, Is.Null);
        Assert.That(m.RejectName, Is.EqualTo("NoHeader"));
        using JsonDocument line = JsonDocument.Parse(WriteJson(m));
        Assert.That(line.RootElement.GetProperty("header").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(line.RootElement.GetProperty("hex").GetString(), Is.EqualTo("0102030405"));
    }

    [Test]
    public void A_truncated_message_is_invalid_with_the_schema_reason()
    {
        byte[] whole = Announce();
        ClassifiedMessage m = ClassifiedMessage.Classify(whole.AsSpan(0, whole.Length - 3));

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Invalid));
        Assert.That(m.Reason, Does.Contain("not a valid ShmPoolAnnounce message"));
        Assert.That(m.RejectName, Is.Not.Empty.And.Not.EqualTo("TrailingBytes"));
    }

    [Test]
    public void Bytes_after_a_whole_message_make_it_invalid()
    {
        byte[] bytes = [.. Descriptor(), 0xAA, 0xBB];
        ClassifiedMessage m = ClassifiedMessage.Classify(bytes);

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Invalid));
        Assert.That(m.RejectName, Is.EqualTo("TrailingBytes"));
        Assert.That(m.Reason, Is.EqualTo("2 bytes after the 48-byte FrameDescriptor message"));
    }

    [Test]
    public void Every_truncation_and_byte_flip_of_an_announce_is_classified_without_throwing()
    {
        byte[] whole = Announce();
        var random = new Random(8);
        for (int cut = 0; cut <= whole.Length; cut++)
        {
            ClassifiedMessage m = ClassifiedMessage.Classify(whole.AsSpan(0, cut));
            Assert.That(m.Kind, cut == whole.Length ? Is.EqualTo(MessageKind.Decoded) : Is.Not.EqualTo(MessageKind.Decoded), $"cut at {cut}");
            _ = WriteJson(m);
            _ = WriteText(m);
        }
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = (byte[])whole.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            ClassifiedMessage m = ClassifiedMessage.Classify(bytes);
            using JsonDocument line = JsonDocument.Parse(WriteJson(m)); // always one valid JSON object
            Assert.That(m.Kind == MessageKind.Decoded, Is.EqualTo(!line.RootElement.TryGetProperty("status", out _)));
            _ = WriteText(m);
        }
    }

    [Test]
    public void Text_form_shows_decoded_fields_and_a_hex_dump_of_the_rest()
    {
        string decoded = WriteText(ClassifiedMessage.Classify(Descriptor(9)));
        Assert.That(decoded, Does.StartWith("#1 FrameDescriptor (schemaId 900, templateId "));
        Assert.That(decoded, Does.Contain("  seq: 9"));

        string unknown = WriteText(ClassifiedMessage.Classify(Crafted(1234, 5, 8, 24)));
        string[] lines = unknown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("#1 unknown: unknown schemaId 1234"));
        Assert.That(lines[1], Is.EqualTo("  header: blockLength 8, templateId 5, schemaId 1234, version 0; 32 bytes"));
        Assert.That(lines[2], Is.EqualTo("  0000  08 00 05 00 d2 04 00 00 08 09 0a 0b 0c 0d 0e 0f"));
        Assert.That(lines, Has.Length.EqualTo(4));
    }

    [Test]
    public void Hex_is_cut_at_the_limit_and_says_how_much_was_left_out()
    {
        ClassifiedMessage m = ClassifiedMessage.Classify(Crafted(1234, 5, 8, 100));
        var text = new StringWriter();
        new TextMessageWriter(text, 16).Write(1, m);
        Assert.That(text.ToString(), Does.Contain("… 92 more bytes"));

        var json = new StringWriter();
        new JsonLineWriter(json, 16).Write(1, m);
        using JsonDocument line = JsonDocument.Parse(json.ToString());
        Assert.That(line.RootElement.GetProperty("hex").GetString(), Has.Length.EqualTo(32));
        Assert.That(line.RootElement.GetProperty("hexOmittedBytes").GetInt32(), Is.EqualTo(92));
    }

    [Test]
    public void Text_var_data_with_control_characters_is_escaped_in_both_forms()
    {
        // Hostile text must not reach a terminal raw: an escape sequence inside a region URI stays escaped.
        byte[] buffer = new byte[512];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = 1;
        a.PayloadPoolsCount(0);
        a.PutHeaderRegionUri(new byte[] { 0x1b, (byte)'[', (byte)'2', (byte)'J' });
        ClassifiedMessage m = ClassifiedMessage.Classify(buffer.AsSpan(0, a.EncodedLength));

        Assert.That(m.Kind, Is.EqualTo(MessageKind.Decoded));
        Assert.That(WriteText(m), Does.Not.Contain("\u001b"));
        Assert.That(WriteJson(m), Does.Not.Contain("\u001b"));
    }

    private static string WriteJson(ClassifiedMessage m)
    {
        var output = new StringWriter();
        new JsonLineWriter(output, 4096).Write(1, m);
        string text = output.ToString();
        Assert.That(text.TrimEnd('\n'), Does.Not.Contain("\n"), "one line per message");
        return text;
    }

    private static string WriteText(ClassifiedMessage m)
    {
        var output = new StringWriter();
        new TextMessageWriter(output, 4096).Write(1, m);
        return output.ToString();
    }
}
