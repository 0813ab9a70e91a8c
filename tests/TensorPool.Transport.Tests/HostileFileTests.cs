using System.Buffers.Binary;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>
/// Log files and paths come from outside the process: a file that is not a valid log, or a path that leads elsewhere,
/// is refused before anything is mapped, with a typed exception carrying the native code and message (§15.21a.5, D22).
/// </summary>
public class HostileFileTests
{
    private static string LogPath(TransportFixture f) => f.Transport.GetLogPath(TransportFixture.Channel, TransportFixture.StreamId);

    /// <summary>A valid log created and closed by another transport, so tests can then damage it.</summary>
    private static string CreateLog(TransportFixture f)
    {
        using (var other = new TpIpcTransport(f.Options))
        using (other.AddPublication(TransportFixture.Channel, TransportFixture.StreamId))
        {
        }
        return LogPath(f);
    }

    private static T Refused<T>(TransportFixture f, string codeName)
        where T : TensorPoolException
    {
        T sub = Assert.Throws<T>(() => f.Subscription())!;
        Assert.That(sub.CodeName, Is.EqualTo(codeName), sub.ToString());
        Assert.That(sub.Code, Is.LessThan(0));
        Assert.That(sub.NativeMessage, Is.Not.Empty);
        Assert.That(sub.Message, Does.Contain(codeName).And.Contain("opening tp:ipc log"));
        T pub = Assert.Throws<T>(() => f.Publication())!;
        Assert.That(pub.Code, Is.EqualTo(sub.Code));
        return sub;
    }

    [Test]
    public void A_file_of_garbage_is_refused_by_its_magic()
    {
        using var f = new TransportFixture();
        string path = LogPath(f);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var garbage = new byte[4096 + 65536];
        new Random(42).NextBytes(garbage);
        File.WriteAllBytes(path, garbage);
        TensorPoolFileFormatException e = Refused<TensorPoolFileFormatException>(f, "TP_LOG_ERR_MAGIC");
        Assert.That(e.Code, Is.EqualTo(-101));
        Assert.That(e.NativeMessage, Does.Contain(path));
    }

    [Test]
    public void A_wrong_magic_is_refused()
    {
        using var f = new TransportFixture();
        string path = CreateLog(f);
        Patch(path, 0, 0x12345678u);
        Refused<TensorPoolFileFormatException>(f, "TP_LOG_ERR_MAGIC");
    }

    [Test]
    public void A_wrong_layout_version_is_refused()
    {
        using var f = new TransportFixture();
        string path = CreateLog(f);
        Patch(path, 4, 99u);
        Refused<TensorPoolFileFormatException>(f, "TP_LOG_ERR_VERSION");
    }

    [Test]
    public void Inconsistent_descriptor_fields_are_refused()
    {
        using var f = new TransportFixture();
        string path = CreateLog(f);
        Patch(path, 24, 12345u); // max message length disagrees with the capacity
        Refused<TensorPoolFileFormatException>(f, "TP_LOG_ERR_DESCRIPTOR");
    }

    [TestCase(0)]
    [TestCase(100)]
    [TestCase(4096 + 1000)]
    public void A_truncated_file_is_refused(int length)
    {
        using var f = new TransportFixture();
        string path = CreateLog(f);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(length);
        }
        Refused<TensorPoolFileFormatException>(f, "TP_LOG_ERR_FILE_SIZE");
    }

    [Test]
    public void An_extended_file_is_refused()
    {
        using var f = new TransportFixture();
        string path = CreateLog(f);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length + 4096);
        }
        Refused<TensorPoolFileFormatException>(f, "TP_LOG_ERR_FILE_SIZE");
    }

    [Test]
    public void A_log_of_another_capacity_is_refused_as_a_configuration_mismatch()
    {
        using var f = new TransportFixture(capacity: 8192);
        CreateLog(f);
        using var other = new TpIpcTransport(new TpIpcOptions { BaseDir = f.Options.BaseDir, User = "tester", LogCapacity = 16384 });
        var e = Assert.Throws<TensorPoolFileFormatException>(() => other.AddSubscription(TransportFixture.Channel, TransportFixture.StreamId));
        Assert.That(e!.CodeName, Is.EqualTo("TP_LOG_ERR_CAPACITY_MISMATCH"));
        Assert.That(e.Message, Does.Contain("8192").And.Contain("16384"));
    }

    [Test]
    public void A_symlink_to_a_log_outside_the_base_dir_is_refused_as_not_contained()
    {
        using var f = new TransportFixture();
        using var outside = new TempDirectory();
        // A perfectly valid log, but outside the base dir.
        using (var elsewhere = new TpIpcTransport(new TpIpcOptions { BaseDir = outside.Path, User = "tester", LogCapacity = f.Options.LogCapacity }))
        using (elsewhere.AddPublication(TransportFixture.Channel, TransportFixture.StreamId))
        {
        }
        string target = Path.Combine(outside.Path, "tensorpool-tester", "default", "ipc", $"{TransportFixture.StreamId}.log");
        string path = LogPath(f);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        TensorPoolPathException e = Refused<TensorPoolPathException>(f, "TP_ERR_PATH_NOT_CONTAINED");
        Assert.That(e.NativeMessage, Does.Contain(target));
    }

    [Test]
    public void A_symlink_inside_the_base_dir_is_refused_as_a_symlink()
    {
        using var f = new TransportFixture();
        using (f.Transport.AddPublication(TransportFixture.Channel, 2))
        {
        }
        string path = LogPath(f);
        File.CreateSymbolicLink(path, f.Transport.GetLogPath(TransportFixture.Channel, 2));
        Refused<TensorPoolPathException>(f, "TP_ERR_SYMLINK");
    }

    [Test]
    public void A_symlinked_layout_directory_is_never_followed()
    {
        using var f = new TransportFixture();
        using var outside = new TempDirectory();
        File.CreateSymbolicLink(Path.Combine(f.Directory.Path, "tensorpool-tester"), outside.Path);
        Refused<TensorPoolPathException>(f, "TP_ERR_SYMLINK");
        Assert.That(Directory.GetFileSystemEntries(outside.Path), Is.Empty, "nothing was created through the link");
    }

    [Test]
    public void A_directory_where_the_log_belongs_is_refused()
    {
        using var f = new TransportFixture();
        Directory.CreateDirectory(LogPath(f));
        Refused<TensorPoolPathException>(f, "TP_ERR_NOT_REGULAR_FILE");
    }

    [Test]
    public void A_file_where_a_layout_directory_belongs_is_refused()
    {
        using var f = new TransportFixture();
        File.WriteAllText(Path.Combine(f.Directory.Path, "tensorpool-tester"), "not a directory");
        Refused<TensorPoolPathException>(f, "TP_ERR_PATH_INVALID");
    }

    [Test]
    public void Layout_directories_and_the_log_get_private_modes()
    {
        using var f = new TransportFixture();
        using TpIpcPublication pub = f.Publication();
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (string dir in new[] { "tensorpool-tester", "tensorpool-tester/default", "tensorpool-tester/default/ipc" })
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(f.Directory.Path, dir)), Is.EqualTo(owner), dir);
        }
        Assert.That(File.GetUnixFileMode(pub.LogPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Garbage_over_live_records_holds_subscribers_only_for_the_stall_timeout()
    {
        using var f = new TransportFixture(capacity: 4096, stallTimeout: TimeSpan.FromMilliseconds(50));
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 10; i++)
        {
            pub.Offer(Payloads.Make(i, 32));
        }
        // Another process scribbles over every record before the subscriber reads them: no header is recognisable,
        // so the records look claimed but never committed.
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        PatchBytes(pub.LogPath, 4096, garbage);
        for (int i = 10; i < 20; i++)
        {
            pub.Offer(Payloads.Make(i, 32));
        }
        var collector = new Collector();
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (collector.Messages.Count < 10 && DateTime.UtcNow < deadline)
        {
            if (sub.Poll(ref collector, 100) == 0)
            {
                sub.WaitForMessages(TimeSpan.FromMilliseconds(50));
            }
        }
        Assert.That(collector.Messages.Select(m => Payloads.SequenceOf(m)), Is.EqualTo(Enumerable.Range(10, 10)));
        Assert.That(collector.Messages.All(m => Payloads.IsIntact(m)));
        Assert.That(sub.Counters.LostMessages, Is.EqualTo(10));
        Assert.That(sub.Counters.StalledSkips, Is.EqualTo(1));
    }

    [Test]
    public void A_committed_record_with_a_hostile_length_is_counted_invalid_and_skipped()
    {
        using var f = new TransportFixture(capacity: 4096);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        for (int i = 0; i < 10; i++)
        {
            pub.Offer(Payloads.Make(i, 32));
        }
        // The first record keeps its committed state word but claims 2 GiB of payload (log_layout.h: length at +16).
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, int.MaxValue);
        PatchBytes(pub.LogPath, 4096 + 16, length);
        var collector = new Collector();
        Assert.DoesNotThrow(() => sub.Poll(ref collector, 100));
        Assert.That(collector.Messages.Select(m => Payloads.SequenceOf(m)), Is.EqualTo(Enumerable.Range(1, 9)));
        SubscriptionCounters c = sub.Counters;
        Assert.That((c.InvalidRecords, c.LostMessages, c.Received), Is.EqualTo((1L, 1L, 9L)));
    }

    private static void PatchBytes(string path, int offset, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }

    private static void Patch(string path, int offset, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        PatchBytes(path, offset, bytes);
    }
}
