using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>`tp shm inspect` on the layouts the reference implementation wrote (../shared/reference/shm).</summary>
public class ReferenceFileTests
{
    private static string Shm(string name) => Path.Combine(RepoPaths.RequireReferenceDir(), "shm", name);

    [Test]
    public void Reference_ring_shows_eight_committed_frames_and_56_empty_slots_8_3()
    {
        JsonElement r = Tp.Inspect(Shm("header_ring_8_frames.ring"));

        Assert.That(r.GetProperty("kind").GetString(), Is.EqualTo("header-ring"));
        Assert.That(r.GetProperty("valid").GetBoolean(), Is.True);
        JsonElement sb = r.GetProperty("superblock");
        Assert.That(sb.GetProperty("magic").GetString(), Is.EqualTo("TPOLSHM1"));
        Assert.That(sb.GetProperty("streamId").GetUInt32(), Is.EqualTo(10000u));
        Assert.That(sb.GetProperty("regionType").GetString(), Is.EqualTo("HEADER_RING"));
        Assert.That(sb.GetProperty("nslots").GetUInt32(), Is.EqualTo(64u));
        Assert.That(r.GetProperty("geometry").GetProperty("regionBytes").GetUInt64(), Is.EqualTo(16448UL));

        Dictionary<uint, JsonElement> slots = Tp.Slots(r);
        Assert.That(slots.Keys, Is.EquivalentTo(Enumerable.Range(0, 8).Select(i => (uint)i)), "slots 8-63 are empty and not listed");
        foreach ((uint index, JsonElement s) in slots)
        {
            Assert.That(s.GetProperty("state").GetString(), Is.EqualTo("committed"));
            Assert.That(s.GetProperty("seq").GetUInt64(), Is.EqualTo((ulong)index));
            Assert.That(s.GetProperty("seqCommit").GetUInt64(), Is.EqualTo(2UL * index + 1));
            Assert.That(s.GetProperty("verdict").GetString(), Is.EqualTo("TP_FRAME_OK"));
            Assert.That(s.GetProperty("poolChecked").GetBoolean(), Is.False, "no 1.pool beside the reference ring");
            JsonElement h = s.GetProperty("header");
            Assert.That(h.GetProperty("valuesLenBytes").GetUInt32(), Is.EqualTo(16u));
            Assert.That(h.GetProperty("payloadSlot").GetUInt32(), Is.EqualTo(index));
            Assert.That(h.GetProperty("poolId").GetUInt16(), Is.EqualTo(1));
            Assert.That(h.GetProperty("dtype").GetString(), Is.EqualTo("UINT8"));
            Assert.That(h.GetProperty("majorOrder").GetString(), Is.EqualTo("ROW"));
            Assert.That(h.GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 16 }));
            Assert.That(h.GetProperty("timestampNs").GetUInt64(), Is.Not.Zero);
        }
        JsonElement summary = r.GetProperty("summary");
        Assert.That(summary.GetProperty("committed").GetInt64(), Is.EqualTo(8));
        Assert.That(summary.GetProperty("accepted").GetInt64(), Is.EqualTo(8));
        Assert.That(summary.GetProperty("empty").GetInt64(), Is.EqualTo(56));
        JsonElement pool = r.GetProperty("pools").EnumerateArray().Single();
        Assert.That(pool.GetProperty("poolId").GetUInt16(), Is.EqualTo(1));
        Assert.That(pool.GetProperty("status").GetString(), Is.EqualTo("missing"));
    }

    [Test]
    public void Reference_ring_as_text_is_a_compact_table()
    {
        (int exit, string text, string err) = Tp.Run("shm", "inspect", Shm("header_ring_8_frames.ring"));

        Assert.That(exit, Is.Zero, err);
        string[] lines = text.Split('\n');
        Assert.That(lines[0], Does.EndWith("header ring, 16448 bytes: valid"));
        Assert.That(lines.Count(l => l.Contains(" committed ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("OK*", StringComparison.Ordinal)), Is.EqualTo(8));
        Assert.That(lines, Has.Some.Match(@"^\s+8-63\s+empty$"), "runs of empty slots fold into one row");
        Assert.That(text, Does.Contain("8 committed (8 accepted, 0 dropped), 0 writing, 56 empty"));
        Assert.That(text, Does.Contain("1.pool: missing: no such file"));
        Assert.That(text, Does.Not.Contain("\u001b"), "plain text, no terminal escapes");
    }

    [TestCase("superblock.bin", "HEADER_RING", 2112UL)]
    [TestCase("pool_superblock.bin", "PAYLOAD_POOL", 67108928UL)]
    public void A_saved_superblock_alone_is_shown_with_the_region_it_describes_7_1(string file, string regionType, ulong regionBytes)
    {
        JsonElement r = Tp.Inspect(Shm(file));

        Assert.That(r.GetProperty("kind").GetString(), Is.EqualTo("superblock"));
        Assert.That(r.GetProperty("valid").GetBoolean(), Is.True);
        Assert.That(r.GetProperty("superblock").GetProperty("regionType").GetString(), Is.EqualTo(regionType));
        Assert.That(r.GetProperty("geometry").GetProperty("regionBytes").GetUInt64(), Is.EqualTo(regionBytes));
        Assert.That(r.GetProperty("slots").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void Pool_superblock_keeps_the_slot_bytes_the_reference_writes()
    {
        JsonElement sb = Tp.Inspect(Shm("pool_superblock.bin")).GetProperty("superblock");

        Assert.That(sb.GetProperty("slotBytes").GetUInt32(), Is.EqualTo(0xFFFFFFFFu), "not constrained by the spec: accepted");
        Assert.That(sb.GetProperty("strideBytes").GetUInt32(), Is.EqualTo(1u << 20));
        Assert.That(sb.GetProperty("poolId").GetUInt16(), Is.EqualTo(1));
    }

    [TestCase("slot_header.bin", 0UL, 192u)]
    [TestCase("slot_tensor.bin", 1UL, 64u)]
    public void A_bare_slot_is_decoded_without_its_index_rules_8_2(string file, ulong seq, uint valuesLen)
    {
        JsonElement r = Tp.Inspect(Shm(file));

        Assert.That(r.GetProperty("kind").GetString(), Is.EqualTo("header-slot"));
        Assert.That(r.GetProperty("superblock").ValueKind, Is.EqualTo(JsonValueKind.Null));
        JsonElement slot = r.GetProperty("slots").EnumerateArray().Single();
        Assert.That(slot.GetProperty("seq").GetUInt64(), Is.EqualTo(seq));
        Assert.That(slot.GetProperty("indexChecked").GetBoolean(), Is.False);
        Assert.That(slot.GetProperty("verdict").GetString(), Is.EqualTo("TP_FRAME_OK"));
        JsonElement h = slot.GetProperty("header");
        Assert.That(h.GetProperty("valuesLenBytes").GetUInt32(), Is.EqualTo(valuesLen));
        Assert.That(h.GetProperty("dtype").GetString(), Is.EqualTo("FLOAT32"));
        Assert.That(h.GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void A_bare_tensor_header_message_is_named_and_sent_to_tp_decode()
    {
        (int exit, string output, string error) = Tp.Run("shm", "inspect", Shm("tensor_header.bin"));

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("a bare TensorHeader message (192 bytes, §8.2)").And.Contain("tp decode"));
    }
}
