using System.Buffers.Binary;
using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>
/// The Aeron directory is checked before Aeron reads it: one of another user, or a CnC file no media driver wrote
/// (which Aeron would wait on for ever, or misread), is refused with the reason; without a driver the client fails
/// within the driver timeout.
/// </summary>
public class AeronDirectoryTests
{
    /// <summary>Skip before a test builds its options inside an assertion, where a skip would read as a failure.</summary>
    [SetUp]
    public void RequireAeron() => AeronEnvironment.Require();

    private static AeronTransportOptions Options(string dir) => new()
    {
        AeronDir = dir,
        LibraryPath = AeronEnvironment.Require(),
        DriverTimeout = TimeSpan.FromSeconds(1),
    };

    [Test]
    public void A_directory_of_another_user_is_refused()
    {
        using var temp = new TempDirectory(prefix: "tp-aeron-foreign-");
        string dir;
        if (Internal.Statx.GetEffectiveUid() == 0)
        {
            dir = Path.Combine(temp.Path, "aeron");
            Directory.CreateDirectory(dir);
            Chown(dir, 65534); // nobody
        }
        else
        {
            dir = "/"; // root's
        }
        var e = Assert.Throws<AeronDirectoryException>(() => new AeronTransport(Options(dir)));
        Assert.That(e!.Message, Does.Contain("belongs to user id").And.Contain(dir));
    }

    [Test]
    public void A_path_that_is_not_a_directory_is_refused()
    {
        using var temp = new TempDirectory(prefix: "tp-aeron-file-");
        string file = Path.Combine(temp.Path, "aeron");
        File.WriteAllText(file, "not a directory");
        var e = Assert.Throws<AeronDirectoryException>(() => new AeronTransport(Options(file)));
        Assert.That(e!.Message, Does.Contain("is not a directory"));
    }

    [TestCase(64, "shorter than its 128-byte header")]
    [TestCase(4096, "not a CnC file")]
    public void A_cnc_file_of_garbage_is_refused_without_waiting(int length, string reason)
    {
        using var temp = new TempDirectory(prefix: "tp-aeron-garbage-");
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        bytes[2] = 0x55; // a non-zero version whatever the seed
        File.WriteAllBytes(Path.Combine(temp.Path, "cnc.dat"), bytes);
        var e = Assert.Throws<AeronDirectoryException>(() => new AeronTransport(Options(temp.Path)));
        Assert.That(e!.Message, Does.Contain(reason));
    }

    [Test]
    public void A_cnc_file_whose_buffers_exceed_it_is_refused_where_aeron_would_wait_for_ever()
    {
        // Version 0.2.0 and buffer lengths that need more than the file: Aeron's client keeps waiting for "the CnC
        // data" with no deadline. The check refuses it at once.
        using var temp = new TempDirectory(prefix: "tp-aeron-short-");
        var bytes = new byte[4096];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, (0 << 16) | (2 << 8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1 << 20);
        File.WriteAllBytes(Path.Combine(temp.Path, "cnc.dat"), bytes);
        var e = Assert.Throws<AeronDirectoryException>(() => new AeronTransport(Options(temp.Path)));
        Assert.That(e!.Message, Does.Contain("need").And.Contain("bytes but the file has 4096"));
    }

    [Test]
    public void A_cnc_file_of_another_major_version_is_refused()
    {
        using var temp = new TempDirectory(prefix: "tp-aeron-version-");
        var bytes = new byte[4096];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, (7 << 16) | 1);
        File.WriteAllBytes(Path.Combine(temp.Path, "cnc.dat"), bytes);
        var e = Assert.Throws<AeronDirectoryException>(() => new AeronTransport(Options(temp.Path)));
        Assert.That(e!.Message, Does.Contain("version 7.0.1"));
    }

    [Test]
    public void Without_a_media_driver_the_client_fails_within_the_driver_timeout_with_a_clear_error()
    {
        using var temp = new TempDirectory(prefix: "tp-aeron-none-");
        string dir = Path.Combine(temp.Path, "aeron"); // no driver ever ran here
        Task<AeronDriverUnavailableException?> attempt = Task.Run(() =>
        {
            try
            {
                using var transport = new AeronTransport(Options(dir));
                return null;
            }
            catch (AeronDriverUnavailableException e)
            {
                return e;
            }
        });
        Assert.That(attempt.Wait(TimeSpan.FromSeconds(60)), Is.True, "the client must give up, not hang");
        Assert.That(attempt.Result, Is.Not.Null, "AeronDriverUnavailableException");
        Assert.That(attempt.Result!.Message, Does.Contain("no Aeron media driver is running in " + dir).And.Contain("aeronmd"));
    }

    [Test]
    public void A_stale_cnc_file_of_a_dead_driver_gives_the_same_clear_error()
    {
        using var temp = new TempDirectory(prefix: "tp-aeron-stale-");
        string dir = Path.Combine(temp.Path, "aeron");
        using (ChildProcess driver = AeronEnvironment.StartMediaDriver(dir, new Dictionary<string, string> { ["AERON_DIR_DELETE_ON_SHUTDOWN"] = "0" }))
        {
            driver.Kill(); // SIGKILL: the CnC file stays, its heartbeat stops
        }
        Thread.Sleep(TimeSpan.FromSeconds(2)); // the heartbeat is older than the 1 s driver timeout: a dead driver
        var e = Assert.Throws<AeronDriverUnavailableException>(() => new AeronTransport(Options(dir)));
        Assert.That(e!.Message, Does.Contain(dir));
    }

    private static void Chown(string path, int uid)
    {
        using Process chown = Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        chown.WaitForExit();
        Assert.That(chown.ExitCode, Is.Zero, "chown");
    }
}
