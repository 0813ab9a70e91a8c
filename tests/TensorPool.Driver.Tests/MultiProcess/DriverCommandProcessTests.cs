using System.Globalization;
using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>`tp driver` configuration errors (exit 2, one line naming key, value and rule) and attach/detach churn.</summary>
[NonParallelizable]
public sealed class DriverCommandProcessTests
{
    private static readonly (string Name, string Toml, string Key)[] BadConfigs =
    [
        ("unknown key", "[driver]\nbogus_key = 1\n", "driver.bogus_key"),
        ("wrong type", "[policies]\nannounce_period_ms = \"fast\"\n", "policies.announce_period_ms"),
        ("nslots not a power of two", "[profiles.p]\nheader_nslots = 100\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }]\n", "header_nslots"),
        ("stride not a multiple of 64", "[profiles.p]\nheader_nslots = 8\npayload_pools = [{ pool_id = 1, stride_bytes = 100 }]\n", "stride_bytes"),
        ("empty pools", "[profiles.p]\nheader_nslots = 8\npayload_pools = []\n", "payload_pools"),
        ("unknown profile", "[streams.s]\nstream_id = 10000\nprofile = \"nope\"\n", "profile"),
        ("overlapping ranges", "[driver]\nstream_id_range = \"20000-20010\"\ndescriptor_stream_id_range = \"20005-20020\"\n" +
            "[profiles.p]\nheader_nslots = 8\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }]\n", "range"),
    ];

    private static IEnumerable<TestCaseData> BadConfigCases() => BadConfigs.Select(c => new TestCaseData(c.Name).SetName("Invalid_config_exits_2_17_" + c.Name.Replace(' ', '_')));

    [TestCaseSource(nameof(BadConfigCases))]
    public void Invalid_configuration_exits_2_naming_the_key(string name)
    {
        (_, string toml, string key) = BadConfigs.Single(c => c.Name == name);
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "bad.toml");
        File.WriteAllText(path, toml);
        using ChildProcess tp = DriverProcess.StartTp("driver", "--config", path);
        Assert.That(tp.WaitForExit(Wait.Patience), Is.EqualTo(2), tp.StandardOutput);
        Assert.That(tp.StandardError, Does.Contain(key));
    }

    /// <summary>
    /// Files `--check` used to pass and start-up then refused (D174): `--check` runs every start-up check and gives the
    /// exit code start-up gives (2, naming the key), creating nothing.
    /// </summary>
    [TestCase("aeron_control_channel_unknown_parameter", "driver.control_channel")]
    [TestCase("aeron_announce_channel_beside_tp_control", "driver.announce_channel")]
    [TestCase("base_dir_is_a_file", "base_dir")]
    [TestCase("base_dir_parent_missing", "base_dir")]
    public void Check_refuses_what_start_up_refuses_with_the_same_exit_code_D174(string name, string key)
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        string toml = File.ReadAllText(driver.ConfigPath);
        string blocker = Path.Combine(dir.Path, "a-file");
        File.WriteAllText(blocker, "");
        toml = name switch
        {
            // Refused by the Aeron transport's channel check whether or not libaeron is present.
            "aeron_control_channel_unknown_parameter" => toml.Replace("[driver]\n",
                "[driver]\ncontrol_channel = \"aeron:udp?endpoint=localhost:40123|no-such-parameter=1\"\n", StringComparison.Ordinal),
            // One transport, chosen by the control channel, opens every stream: tp:ipc cannot open an aeron: announce.
            "aeron_announce_channel_beside_tp_control" => toml.Replace("[driver]\n", "[driver]\nannounce_channel = \"aeron:ipc\"\n", StringComparison.Ordinal),
            "base_dir_is_a_file" => toml.Replace($"base_dir = \"{driver.ShmDir}\"", $"base_dir = \"{blocker}\"", StringComparison.Ordinal),
            _ => toml.Replace($"base_dir = \"{driver.ShmDir}\"", $"base_dir = \"{dir.Path}/missing/shm\"", StringComparison.Ordinal),
        };
        Assert.That(toml, Is.Not.EqualTo(File.ReadAllText(driver.ConfigPath)), "the case changed the configuration");
        File.WriteAllText(driver.ConfigPath, toml);

        using ChildProcess check = DriverProcess.StartTp("driver", "--config", driver.ConfigPath, "--check");
        Assert.That(check.WaitForExit(Wait.Patience), Is.EqualTo(2), check.StandardOutput + check.StandardError);
        Assert.That(check.StandardError, Does.Contain(key));
        Assert.That(Directory.Exists(driver.ShmDir) || Directory.Exists(driver.IpcDir), Is.False, "--check created nothing");

        using ChildProcess start = DriverProcess.StartTp("driver", "--config", driver.ConfigPath);
        Assert.That(start.WaitForExit(Wait.Patience), Is.EqualTo(2), start.StandardOutput + start.StandardError);
        Assert.That(start.StandardError, Does.Contain(key));
        Assert.That(start.StandardOutput, Does.Not.Contain("Hosting failed").And.Not.Contain(" at "), "a refused start is one line, no stack");
    }

    /// <summary>
    /// A driver on aeron: channels (the reference's own files) passes `--check` and start-up's checks with libaeron and
    /// fails both alike without it: exit 2 naming driver.control_channel and libaeron, one line, no stack (D174, D245).
    /// </summary>
    [Test]
    public void An_aeron_driver_without_libaeron_is_refused_alike_by_check_and_start_up_D245()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        string toml = File.ReadAllText(driver.ConfigPath).Replace("[driver]\n",
            "[driver]\ncontrol_channel = \"aeron:ipc\"\nannounce_channel = \"aeron:ipc\"\nqos_channel = \"aeron:ipc\"\n", StringComparison.Ordinal);
        File.WriteAllText(driver.ConfigPath, toml);
        var noAeron = new Dictionary<string, string> { ["TP_AERON_LIBRARY"] = Path.Combine(dir.Path, "no-such-libaeron.so") };

        using ChildProcess check = DriverProcess.StartTp(noAeron, "driver", "--config", driver.ConfigPath, "--check");
        Assert.That(check.WaitForExit(Wait.Patience), Is.EqualTo(2), check.StandardOutput + check.StandardError);
        Assert.That(check.StandardError, Does.Contain("driver.control_channel").And.Contain("libaeron"));

        using ChildProcess start = DriverProcess.StartTp(noAeron, "driver", "--config", driver.ConfigPath);
        Assert.That(start.WaitForExit(Wait.Patience), Is.EqualTo(2), start.StandardOutput + start.StandardError);
        Assert.That(start.StandardError, Does.Contain("driver.control_channel").And.Contain("libaeron"));
        Assert.That(start.StandardOutput, Does.Not.Contain("Hosting failed").And.Not.Contain(" at "), "a refused start is one line, no stack");
    }

    [Test]
    public void Missing_configuration_file_exits_2()
    {
        using ChildProcess tp = DriverProcess.StartTp("driver", "--config", "/nonexistent/driver.toml");
        Assert.That(tp.WaitForExit(Wait.Patience), Is.EqualTo(2));
        Assert.That(tp.StandardError, Does.Contain("/nonexistent/driver.toml"));
    }

    /// <summary>
    /// 8 client processes × <see cref="CyclesPerProcess"/> cycles, each cycle a consumer lease on the shared stream and a
    /// producer lease on the process's own stream (a new epoch and region files on every producer detach): the issue's
    /// 10,000 attach/detach cycles, 20,000 leases granted and given back. Afterwards the driver holds no lease, keeps no
    /// more epoch directories (and files) than its GC allows, and maps no more region files than before the churn.
    /// Waits are generous (a loaded 2-core machine); nothing is timed.
    /// </summary>
    private const int CyclesPerProcess = 1250;

    private const int Processes = 8;

    [Test]
    public void Driver_survives_attach_detach_churn_from_8_processes_without_leaks()
    {
        using var dir = new TempDirectory();
        string streams = string.Concat(Enumerable.Range(1, Processes).Select(i => $"[streams.own{i}]\nstream_id = {20000 + i}\nprofile = \"p\"\n"));
        using var driver = new DriverProcess(dir, extraToml: streams);
        driver.Start();
        int pid = driver.Process!.Id;
        int mapsBefore = RegionMappings(pid, driver.ShmDir);
        var clients = Enumerable.Range(1, Processes)
            .Select(i => ChildProcess.StartScenario("driver-churn", driver.ClientArgs("10000", (20000 + i).ToString(CultureInfo.InvariantCulture),
                CyclesPerProcess.ToString(CultureInfo.InvariantCulture))))
            .ToList();
        try
        {
            foreach (ChildProcess c in clients)
            {
                // The clients run concurrently: the whole churn is bounded by the first wait, the others find them done.
                Assert.That(c.WaitForExit(TimeSpan.FromMinutes(30)), Is.Zero, c.StandardError);
                Assert.That(c.StandardOutput, Does.Contain($"churned {CyclesPerProcess}"));
            }
        }
        finally
        {
            foreach (ChildProcess c in clients)
            {
                c.Dispose();
            }
        }
        int leases = 2 * Processes * CyclesPerProcess;
        Wait.Until(() => driver.Count("attached to stream") == leases && driver.Count(") Detached:") == leases,
            () => $"attached {driver.Count("attached to stream")}, detached {driver.Count(") Detached:")} of {leases}");
        Assert.That(driver.Process.HasExited, Is.False, "the driver survived");
        Assert.That(driver.Count(") Expired:"), Is.Zero);
        // Epoch directories: per stream at most the GC's keep count plus the live epoch, once the minimum age passed.
        Wait.Until(() => EpochDirs(driver.ShmDir).All(s => s.Count <= 3), () => string.Join(", ", EpochDirs(driver.ShmDir).Select(s => $"{s.Stream}:{s.Count}")));
        // Files: the 3 region files (header ring, 2 pools) of those epoch directories, nothing else left behind.
        Wait.Until(() => Files(driver.ShmDir).Count <= (Processes + 1) * 3 * 3,
            () => $"{Files(driver.ShmDir).Count} files under the shm base dir:\n{string.Join("\n", Files(driver.ShmDir))}");
        TestContext.Out.WriteLine($"{Files(driver.ShmDir).Count} files under the shm base dir after the churn");
        // Mappings: one live epoch (3 regions) for each of the 9 streams (8 own + the shared one, whose epoch the consumers
        // created) once the retired epochs were collected; 27 whether after 400 or 10,000 leases.
        Wait.Until(() => RegionMappings(pid, driver.ShmDir) <= mapsBefore + (9 * 3),
            () => $"{RegionMappings(pid, driver.ShmDir)} region mappings, {mapsBefore} before the churn");
    }

    /// <summary>Epoch directories per stream; the GC may remove one while this reads: then read again.</summary>
    private static List<(string Stream, int Count)> EpochDirs(string shmDir)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return [.. Directory.EnumerateDirectories(shmDir, "*", SearchOption.AllDirectories)
                    .Where(d => File.Exists(Path.Combine(d, "header.ring")))
                    .GroupBy(d => Path.GetDirectoryName(d)!)
                    .Select(g => (Path.GetFileName(g.Key), g.Count()))];
            }
            catch (DirectoryNotFoundException) when (attempt < 100)
            {
            }
        }
    }

    /// <summary>Every file under the shm base dir; the GC may remove some while this reads: then read again.</summary>
    private static List<string> Files(string shmDir)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return [.. Directory.EnumerateFiles(shmDir, "*", SearchOption.AllDirectories)];
            }
            catch (DirectoryNotFoundException) when (attempt < 100)
            {
            }
        }
    }

    private static int RegionMappings(int pid, string shmDir) =>
        File.ReadLines($"/proc/{pid}/maps").Count(l => l.Contains(shmDir, StringComparison.Ordinal));
}
