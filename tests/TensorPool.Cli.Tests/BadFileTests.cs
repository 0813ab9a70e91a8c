using System.Runtime.InteropServices;
using System.Text.Json;
using TensorPool.Native.Internal;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>Hostile and broken files: one line on standard error, exit code 2, never a crash or a hang.</summary>
public unsafe partial class BadFileTests
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkFifo(string path, uint mode);

    private static byte[] Superblock(uint nslots = 8, short regionType = (short)TpRegionType.HeaderRing, uint slotBytes = 256)
    {
        var bytes = new byte[TpSuperblockConstants.SuperblockSize];
        TpSuperblock sb;
        Assert.That(NativeMethods.tp_superblock_init_header_ring(&sb, 7, 3, 8), Is.Zero);
        sb.Nslots = nslots;
        sb.RegionType = regionType;
        sb.SlotBytes = slotBytes;
        fixed (byte* p = bytes)
        {
            Assert.That(NativeMethods.tp_superblock_write(p, (ulong)bytes.Length, &sb), Is.Zero);
        }
        return bytes;
    }

    private static byte[] Ring(uint nslots, int extra = 0)
    {
        var bytes = new byte[(int)NativeMethods.tp_header_ring_length(nslots) + extra];
        Superblock(nslots).CopyTo(bytes, 0);
        return bytes;
    }

    private static void AssertOneLine(string[] args, string expect, bool reportOnStdout = false)
    {
        (int exit, string output, string error) = Tp.Run(args);
        string what = string.Join(' ', args.Select(Path.GetFileName));
        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), what + ": " + error + output);
        Assert.That(error.TrimEnd('\n'), Does.Not.Contain('\n'), what + ": one line");
        Assert.That(error, Does.StartWith("tp shm inspect: " + args[2] + ": ").And.Contain(expect), what);
        if (reportOnStdout)
        {
            Assert.That(output, Is.Not.Empty, what + ": the superblock could be read, so the report is printed");
        }
        else
        {
            Assert.That(output, Is.Empty, what);
        }
    }

    [Test]
    public void Files_that_are_not_regions_get_one_line_and_exit_code_2()
    {
        using var dir = new TempDirectory();
        string Write(string name, byte[] bytes)
        {
            string path = Path.Combine(dir.Path, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        byte[] wrongMagic = Ring(8);
        wrongMagic[0] ^= 0xFF;
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        var log = new byte[8192];
        BitConverter.TryWriteBytes(log, (uint)TpLogLayout.Magic);
        string fifo = Path.Combine(dir.Path, "fifo");
        Assert.That(MkFifo(fifo, 0x180), Is.Zero, "mkfifo");
        string target = Write("target.ring", Ring(8));
        string link = Path.Combine(dir.Path, "link.ring");
        File.CreateSymbolicLink(link, target);
        string noRead = Write("noread.ring", Ring(8));
        File.SetUnixFileMode(noRead, UnixFileMode.None);

        var cases = new List<(string Path, string Expect)>
        {
            (Path.Combine(dir.Path, "missing.ring"), "no such file"),
            (Path.Combine(dir.Path, "missing", "header.ring"), "no such file"),
            (dir.Path, "a directory, not a regular file"),
            (fifo, "a FIFO, not a regular file"),
            ("/dev/null", "a character device, not a regular file"),
            (link, "a symlink; symlinks are never followed"),
            (Write("empty.ring", []), "empty file"),
            (Write("short.ring", [1, 2, 3]), "3 bytes, shorter than the 64-byte superblock (§6)"),
            (Write("63.ring", Superblock()[..63]), "63 bytes, shorter than the 64-byte superblock"),
            (Write("magic.ring", wrongMagic), "not an SHM region: superblock magic is 0x"),
            (Write("garbage.bin", garbage), "not an SHM region"),
            (Write("log.bin", log), "a tp:ipc log file (magic TPLG), not an SHM region"),
            (Write("zeros.bin", new byte[300]), "not an SHM region"),
        };
        if (Environment.UserName != "root")
        {
            cases.Add((noRead, "permission denied")); // root reads any file
        }
        foreach ((string path, string expect) in cases)
        {
            AssertOneLine(["shm", "inspect", path], expect);
            AssertOneLine(["shm", "inspect", path, "--json"], expect);
        }
    }

    [Test]
    public void A_fifo_never_blocks_the_inspector()
    {
        using var dir = new TempDirectory();
        string fifo = Path.Combine(dir.Path, "header.ring");
        Assert.That(MkFifo(fifo, 0x180), Is.Zero);

        // A blocking open would wait for a writer forever; the no-follow, non-blocking open returns at once.
        Task<(int Exit, string Out, string Err)> run = Task.Run(() => Tp.Run("shm", "inspect", fifo));
        Assert.That(run.Wait(TimeSpan.FromMinutes(2)), Is.True, "inspect of a FIFO returned");
        Assert.That(run.Result.Exit, Is.EqualTo(TpCommand.ExitBadInput));
    }

    [Test]
    public void Size_is_checked_against_the_superblock_before_any_slot_is_read_7_1()
    {
        using var dir = new TempDirectory();
        string truncated = Path.Combine(dir.Path, "truncated.ring");
        File.WriteAllBytes(truncated, Ring(8)[..1000]);
        string longer = Path.Combine(dir.Path, "longer.ring");
        File.WriteAllBytes(longer, Ring(8, extra: 256));
        // nslots 2^31 in a 4 KiB file: nslots × 256 must not be believed.
        string huge = Path.Combine(dir.Path, "huge.ring");
        byte[] hugeBytes = Ring(8);
        Superblock(nslots: 1u << 31).CopyTo(hugeBytes, 0);
        File.WriteAllBytes(huge, hugeBytes);

        AssertOneLine(["shm", "inspect", truncated], "1000 bytes but its superblock implies 2112", reportOnStdout: true);
        AssertOneLine(["shm", "inspect", longer], "2368 bytes but its superblock implies 2112", reportOnStdout: true);
        AssertOneLine(["shm", "inspect", huge], "2112 bytes but its superblock implies 549755813952", reportOnStdout: true);

        JsonElement r = Tp.Inspect(truncated, TpCommand.ExitBadInput);
        Assert.That(r.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("diagnosisCode").GetString(), Is.EqualTo("TP_ERR_SIZE"));
        Assert.That(r.GetProperty("slots").GetArrayLength(), Is.Zero, "no slot of a region of the wrong size is read");
        Assert.That(r.GetProperty("superblock").GetProperty("nslots").GetUInt32(), Is.EqualTo(8u));
    }

    [TestCase(3u, (short)1, 256u, "TP_ERR_NSLOTS", "nslots 3 is not a non-zero power of two")]
    [TestCase(0u, (short)1, 256u, "TP_ERR_NSLOTS", "nslots 0")]
    [TestCase(8u, (short)5, 256u, "TP_ERR_REGION_TYPE", "region_type 5")]
    [TestCase(8u, (short)1, 128u, "TP_ERR_SLOT_BYTES", "slot_bytes 128")]
    public void A_superblock_that_breaks_a_rule_is_shown_with_the_rule_7_1(uint nslots, short regionType, uint slotBytes, string code, string expect)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "bad.ring");
        var bytes = new byte[4096];
        Superblock(nslots, regionType, slotBytes).CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);

        AssertOneLine(["shm", "inspect", path], expect, reportOnStdout: true);
        (_, string text, _) = Tp.Run("shm", "inspect", path);
        Assert.That(text.Split('\n')[0], Does.Contain(": INVALID: ").And.Contain(expect));
        JsonElement r = Tp.Inspect(path, TpCommand.ExitBadInput);
        Assert.That(r.GetProperty("diagnosisCode").GetString(), Is.EqualTo(code));
        Assert.That(r.GetProperty("geometry").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void Garbage_in_every_slot_of_a_valid_ring_is_reported_slot_by_slot_never_a_crash()
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        for (int round = 0; round < 20; round++)
        {
            byte[] bytes = Ring(64);
            random.NextBytes(bytes.AsSpan(TpSuperblockConstants.SuperblockSize));
            string path = Path.Combine(dir.Path, $"garbage{round}.ring");
            File.WriteAllBytes(path, bytes);

            JsonElement r = Tp.Inspect(path);
            JsonElement s = r.GetProperty("summary");
            long total = s.GetProperty("empty").GetInt64() + s.GetProperty("writing").GetInt64() + s.GetProperty("committed").GetInt64();
            Assert.That(total, Is.EqualTo(64));
            Assert.That(s.GetProperty("accepted").GetInt64() + s.GetProperty("dropped").GetInt64(), Is.EqualTo(s.GetProperty("committed").GetInt64()));
            foreach (JsonElement slot in r.GetProperty("slots").EnumerateArray().Where(x => x.GetProperty("state").GetString() == "committed"))
            {
                Assert.That(slot.GetProperty("verdict").GetString(), Does.StartWith("TP_FRAME_"));
                Assert.That(slot.GetProperty("header").GetProperty("dims").GetArrayLength(), Is.LessThanOrEqualTo(8));
            }
            Assert.That(Tp.Run("shm", "inspect", path).Exit, Is.Zero, "the text form survives the same bytes");
        }
    }
}
