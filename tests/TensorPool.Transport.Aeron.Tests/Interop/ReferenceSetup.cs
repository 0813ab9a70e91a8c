using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests.Interop;

/// <summary>
/// One interoperability scenario's world: an Aeron media driver on a fresh directory, the reference's processes
/// (TP_REFERENCE_DIR) and ours, all on <see cref="Channel"/> with the reference's stream ids, and a namespace of the
/// scenario's own so its shared memory meets no other test's. Everything started is stopped on dispose.
/// </summary>
internal sealed class ReferenceSetup : IDisposable
{
    public const string Channel = "aeron:ipc?term-length=4m";
    public const int StreamId = 10000;

    private readonly TempDirectory _work;
    private readonly List<ChildProcess> _processes = [];

    public ReferenceSetup()
    {
        Library = AeronEnvironment.Require();
        ReferenceConfig = AeronEnvironment.ReferenceConfig("driver_integration_example.toml")
            ?? ReferenceIgnore("its config/driver_integration_example.toml");
        _work = new TempDirectory(prefix: "tp-interop-");
        AeronDir = Path.Combine(_work.Path, "aeron");
        Namespace = "interop" + Environment.ProcessId + "x" + Guid.NewGuid().ToString("N")[..6];
        _processes.Add(AeronEnvironment.StartMediaDriver(AeronDir));
    }

    public string Library { get; }

    public string AeronDir { get; }

    /// <summary>The reference's driver file, unchanged.</summary>
    public string ReferenceConfig { get; }

    public string Namespace { get; }

    public string WorkDir => _work.Path;

    /// <summary>Where the drivers put this scenario's regions (shm.base_dir of the reference file is /dev/shm).</summary>
    public string RegionRoot => Path.Combine("/dev/shm", "tensorpool-" + Environment.UserName, Namespace);

    /// <summary>
    /// The reference's tp_driver on its own file, the namespace changed to the scenario's (and the announce period, when
    /// given).
    /// </summary>
    public ChildProcess StartReferenceDriver(int? announcePeriodMs = null)
    {
        string config = Path.Combine(_work.Path, "reference-driver.toml");
        string text = File.ReadAllText(ReferenceConfig).Replace("namespace = \"default\"", $"namespace = \"{Namespace}\"", StringComparison.Ordinal);
        if (announcePeriodMs is int period)
        {
            text = text.Replace("announce_period_ms = 1000", $"announce_period_ms = {period}", StringComparison.Ordinal);
        }
        File.WriteAllText(config, text);
        ChildProcess driver = Reference("tp_driver", ["-c", config], new Dictionary<string, string> { ["TP_LOG_LEVEL"] = "2" });
        Thread.Sleep(1500); // it prints nothing when ready; a failed start exits at once
        Assert.That(driver.HasExited, Is.False, () => "the reference tp_driver stopped:\n" + driver.StandardError);
        return driver;
    }

    /// <summary>Our <c>tp driver</c> on the reference's file as it is (the namespace through the environment, as §17 allows).</summary>
    public ChildProcess StartOurDriver()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        foreach (string a in new[] { TpDll, "driver", "--config", ReferenceConfig })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["AERON_DIR"] = AeronDir;
        psi.Environment["TP_AERON_LIBRARY"] = Library;
        psi.Environment["SHM_NAMESPACE"] = Namespace;
        ChildProcess driver = Track(ChildProcess.Start(psi));
        driver.WaitForLine("tp driver: ", TimeSpan.FromSeconds(90));
        return driver;
    }

    /// <summary>A program of the reference build with AERON_DIR set.</summary>
    public ChildProcess Reference(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(AeronEnvironment.RequireReferenceProgram(program)) { RedirectStandardInput = true };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["AERON_DIR"] = AeronDir;
        // The examples give up attaching after a few seconds: too soon on a loaded machine.
        psi.Environment["TP_EXAMPLE_ATTACH_TIMEOUT_MS"] = "60000";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        return Track(ChildProcess.Start(psi));
    }

    /// <summary>
    /// A reference client that has got through its start-up (<paramref name="started"/>) within
    /// <paramref name="startUp"/>, started again (at most <paramref name="attempts"/> times in all) when it has not and is
    /// still running. The reference's client start polls Aeron's asynchronous add of each subscription in a loop without
    /// a deadline (tensor_pool_c src/client/tp_client.c, tp_client_add_subscription), and here about one start in three
    /// spins there for ever before it has sent anything to a driver (seen with gdb, D248); now and then one also aborts on
    /// a corrupted heap. The same happens with the reference's own driver and no process of ours. A client that fails
    /// after its start-up, or on the last attempt, is returned as it is for the scenario to judge.
    /// </summary>
    public ChildProcess StartReferenceClient(string program, IEnumerable<string> arguments, Func<ChildProcess, bool> started,
        TimeSpan startUp, IReadOnlyDictionary<string, string>? environment = null, int attempts = 3)
    {
        string[] args = [.. arguments];
        for (int attempt = 1; ; attempt++)
        {
            ChildProcess client = Reference(program, args, environment);
            var clock = Stopwatch.StartNew();
            while (!started(client) && !client.HasExited && clock.Elapsed < startUp)
            {
                Thread.Sleep(20);
            }
            if (started(client) || attempt == attempts)
            {
                return client;
            }
            string why = client.HasExited ? "exited before its start-up" : $"no start-up within {startUp.TotalSeconds:F0} s";
            TestContext.Progress.WriteLine($"reference {program}: {why} (attempt {attempt} of {attempts}), started again:\n{client.Output()}");
            client.Kill();
        }
    }

    /// <summary>One of our TestHost scenarios (InteropScenarios), libaeron through TP_AERON_LIBRARY.</summary>
    public ChildProcess Ours(string scenario, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(ChildProcess.TestHostPath);
        psi.ArgumentList.Add(scenario);
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["TP_AERON_LIBRARY"] = Library;
        return Track(ChildProcess.Start(psi));
    }

    /// <summary>The <c>tp</c> command with the Aeron library and directory set.</summary>
    public ChildProcess Tp(params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(TpDll);
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["TP_AERON_LIBRARY"] = Library;
        psi.Environment["AERON_DIR"] = AeronDir;
        return Track(ChildProcess.Start(psi));
    }

    public static string TpDll
    {
        get
        {
            string dll = Path.Combine(RepoPaths.Root, "src", "TensorPool.Cli", "bin", RepoPaths.Configuration, "net10.0", "tp.dll");
            if (!File.Exists(dll))
            {
                Assert.Ignore($"tp is not built ({dll}); build the solution first");
            }
            return dll;
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static string ReferenceIgnore(string what)
    {
        AeronEnvironment.RequireReferenceProgram("tp_driver");
        Assert.Ignore($"TP_REFERENCE_DIR holds no {what}");
        return null!;
    }

    public void Dispose()
    {
        // Clients first, the drivers, the media driver last (it was started first).
        for (int i = _processes.Count - 1; i >= 0; i--)
        {
            try
            {
                if (!_processes[i].HasExited)
                {
                    _processes[i].Signal("INT");
                    _processes[i].WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                // Timed out (killed below), or already disposed by the test.
            }
            _processes[i].Dispose();
        }
        try
        {
            if (Directory.Exists(RegionRoot))
            {
                Directory.Delete(RegionRoot, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        _work.Dispose();
    }
}
