using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>The surface users script against: JSON keys (documented in docs/user-guide.md), help, exit codes.</summary>
public unsafe class InspectContractTests
{
    // docs/user-guide.md, "Inspecting shared memory": a key renamed here must be renamed there.
    private static readonly string[] TopKeys = ["path", "fileBytes", "kind", "valid", "diagnosis", "diagnosisCode", "superblock", "geometry", "slots", "summary", "pools"];
    private static readonly string[] SuperblockKeys = ["magic", "layoutVersion", "epoch", "streamId", "regionType", "poolId", "nslots", "slotBytes", "strideBytes", "pid", "startTimestampNs", "activityTimestampNs"];
    private static readonly string[] GeometryKeys = ["nslots", "slotStrideBytes", "firstSlotOffset", "lastSlotOffset", "regionBytes"];
    private static readonly string[] CommittedSlotKeys = ["index", "state", "seqCommit", "seq", "verdict", "reason", "poolChecked", "indexChecked", "header"];
    private static readonly string[] WritingSlotKeys = ["index", "state", "seqCommit", "seq"];
    private static readonly string[] HeaderKeys = ["valuesLenBytes", "payloadSlot", "poolId", "payloadOffset", "timestampNs", "metaVersion", "dtype", "majorOrder", "ndims", "dims", "strides", "progressUnit", "progressStrideBytes"];
    private static readonly string[] SummaryKeys = ["empty", "writing", "committed", "accepted", "dropped", "poolUnchecked"];
    private static readonly string[] PoolKeys = ["poolId", "path", "status", "reason", "nslots", "strideBytes"];

    private static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Test]
    public void Json_keys_are_the_documented_ones_in_the_documented_order()
    {
        using var dir = new TempDirectory();
        string epochDir = Path.Combine(dir.Path, "ns", "1", "1");
        using TestRegion ring = TestRegion.CreateRing(dir.Path, Path.Combine(epochDir, "header.ring"), 1, 1, 4);
        ring.Commit(0, 0, TestRegion.Frame(0, 8));
        ring.Begin(1, 1, TestRegion.Frame(1, 8));

        JsonElement r = Tp.Inspect(ring.Path);

        Assert.That(Keys(r), Is.EqualTo(TopKeys));
        Assert.That(Keys(r.GetProperty("superblock")), Is.EqualTo(SuperblockKeys));
        Assert.That(Keys(r.GetProperty("geometry")), Is.EqualTo(GeometryKeys));
        Dictionary<uint, JsonElement> slots = Tp.Slots(r);
        Assert.That(Keys(slots[0]), Is.EqualTo(CommittedSlotKeys));
        Assert.That(Keys(slots[0].GetProperty("header")), Is.EqualTo(HeaderKeys));
        Assert.That(Keys(slots[1]), Is.EqualTo(WritingSlotKeys));
        Assert.That(Keys(r.GetProperty("summary")), Is.EqualTo(SummaryKeys));
        Assert.That(Keys(r.GetProperty("pools").EnumerateArray().Single()), Is.EqualTo(PoolKeys));
    }

    [Test]
    public void The_user_guide_documents_every_json_key()
    {
        string guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "user-guide.md"));
        int section = guide.IndexOf("## Inspecting shared memory", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "docs/user-guide.md has the section");
        string text = guide[section..];
        foreach (string key in TopKeys.Concat(SuperblockKeys).Concat(GeometryKeys).Concat(CommittedSlotKeys)
                     .Concat(HeaderKeys).Concat(SummaryKeys).Concat(PoolKeys).Distinct())
        {
            Assert.That(text, Does.Contain("`" + key + "`"), key);
        }
    }

    [Test]
    public void Help_shows_examples_and_exit_codes()
    {
        (int exit, string text, _) = Tp.Run("shm", "inspect", "--help");

        Assert.That(exit, Is.Zero);
        Assert.That(text, Does.Contain("Examples:").And.Contain("tp shm inspect").And.Contain("--json").And.Contain("Exit codes"));
        Assert.That(Tp.Run("shm", "--help").Out, Does.Contain("inspect"));
    }

    [Test]
    public void Missing_argument_is_a_usage_error()
    {
        (int exit, _, string error) = Tp.Run("shm", "inspect");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(error, Does.Contain("Required argument missing"));
    }

    [Test]
    public void Tp_as_a_real_process_exits_2_with_one_line_for_a_bad_file()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "short.ring");
        File.WriteAllBytes(path, [1, 2, 3]);

        using ChildProcess tp = Tp.Start("shm", "inspect", path);

        Assert.That(tp.WaitForExit(TimeSpan.FromMinutes(2)), Is.EqualTo(2));
        Assert.That(tp.StandardOutput, Is.Empty);
        Assert.That(tp.StandardError.TrimEnd('\n'), Does.Not.Contain('\n'));
        Assert.That(tp.StandardError, Does.Contain("3 bytes, shorter than the 64-byte superblock"));
    }
}
