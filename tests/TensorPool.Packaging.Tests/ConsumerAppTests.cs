using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// A fresh console app (<c>dotnet new console</c>) that adds TensorPool from the local feed, builds, and runs once
/// for every test here: it loads libtensorpool.so from the package (no TENSORPOOL_NATIVE_PATH, no repository
/// paths), round-trips an SBE message, and runs a producer→consumer round trip over tp:ipc and shared memory in a
/// temporary base directory, checking every value it receives.
/// </summary>
public class ConsumerAppTests
{
    private const int RoundTripFrames = 32;

    private const string Program = """
        using System.Numerics.Tensors;
        using TensorPool;
        using TensorPool.Client;
        using TensorPool.Consumers;
        using TensorPool.Frames;
        using TensorPool.Producers;
        using TensorPool.Sbe;
        using TensorPool.Sbe.Wire;

        Console.WriteLine("managed " + TensorPoolRuntime.Version);
        Console.WriteLine("native " + TensorPoolRuntime.NativeVersion);
        Console.WriteLine("loaded-from " + TensorPoolRuntime.NativeLibraryPath);
        Console.WriteLine("matches " + TensorPoolRuntime.NativeVersionMatches);

        byte[] buffer = new byte[64];
        var encoder = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        encoder.StreamId = 10000;
        encoder.Epoch = 7;
        encoder.Seq = 42;
        int length = encoder.EncodedLength;
        if (!FrameDescriptorDecoder.TryWrap(buffer.AsSpan(0, length), out var decoder, out SbeRejectReason reason))
        {
            Console.WriteLine("sbe rejected " + reason);
            return 1;
        }
        Console.WriteLine($"sbe {length} {decoder.StreamId} {decoder.Epoch} {decoder.Seq}");

        // Producer and consumer in one client over the default transport (tp:ipc), shared memory under args[0].
        int frames = int.Parse(args[1]);
        using var client = TensorPoolClient.Connect(new ClientOptions
        {
            ShmBaseDir = args[0],
            Namespace = "package-test",
            ConductorMode = ConductorMode.Invoker,
        });
        using Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = 10000,
            HeaderNslots = 64,
            Pools = [new PayloadPoolOptions(1, 4096)],
        });
        using Consumer consumer = client.AddConsumer(10000);
        long deadline = Environment.TickCount64 + 120_000;
        while (consumer.State != MappingState.Mapped)
        {
            client.DoWork();
            consumer.Poll(static (in Frame _) => { }, 16);
            if (Environment.TickCount64 > deadline)
            {
                Console.WriteLine("never mapped: " + consumer.LastAnnounceRejection);
                return 1;
            }
            Thread.Sleep(1);
        }
        for (int i = 0; i < frames; i++)
        {
            float[] values = [i, i + 0.5f, i + 1, i + 1.5f, i + 2, i + 2.5f];
            if (!producer.TryOffer<float>(values, [2, 3]))
            {
                Console.WriteLine("offer failed " + i);
                return 1;
            }
        }
        int received = 0, wrong = 0;
        while (received < frames && Environment.TickCount64 < deadline)
        {
            client.DoWork();
            consumer.Poll((in Frame f) =>
            {
                ReadOnlyTensorSpan<float> t = f.AsTensorSpan<float>();
                float i = f.Seq;
                bool ok = t.Lengths[0] == 2 && t.Lengths[1] == 3 && t[0, 0] == i && t[0, 2] == i + 1 && t[1, 2] == i + 2.5f;
                if (f.IsStillValid())
                {
                    received++;
                    wrong += ok ? 0 : 1;
                }
            }, 16);
        }
        ConsumerCounters c = consumer.Counters;
        Console.WriteLine($"roundtrip published {producer.Counters.FramesPublished} received {received} wrong {wrong} accepted {c.FramesAccepted} drops {c.DropsTotal}");
        return 0;
        """;

    private static string[] _lines = [];
    private static TempDirectory? _shm;

    [OneTimeSetUp]
    public void BuildAndRunTheApp()
    {
        string app = Path.Combine(PackageFeed.Root, "app");
        Directory.CreateDirectory(app);
        // Stop MSBuild's search for Directory.Build.* and central package management above the temporary folder.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        // The local feed, plus the registry sources of the machine's NuGet configuration for any dependency.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tensorpool-local" value="{PackageFeed.Feed}" />
              </packageSources>
            </configuration>
            """);
        DotnetCli dotnet = PackageFeed.Dotnet;

        dotnet.Check(app, "dotnet", "new", "console", "--name", "App", "--output", app, "--framework", "net10.0", "--force");
        dotnet.Check(app, "dotnet", "add", "App.csproj", "package", "TensorPool", "--version", PackageFeed.Version);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        dotnet.Check(app, "dotnet", "build", "App.csproj", "-c", "Release", "-nologo", "-p:UseSharedCompilation=false", "-nodeReuse:false");
        Bin = Path.Combine(app, "bin", "Release", "net10.0");
        _shm = new TempDirectory(prefix: "tp-package-");
        string output = dotnet.Check(app, "dotnet", Path.Combine(Bin, "App.dll"), _shm.Path, RoundTripFrames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [OneTimeTearDown]
    public void RemoveSharedMemory() => _shm?.Dispose();

    private static string Bin { get; set; } = "";

    [Test]
    public void A_fresh_console_app_loads_libtensorpool_through_the_package_and_round_trips_an_SBE_message()
    {
        Assert.That(_lines, Does.Contain("managed " + PackageFeed.Version));
        Assert.That(_lines, Does.Contain("native " + PackageFeed.VersionPrefix), "tp_version() is VersionPrefix of Version.props");
        Assert.That(_lines, Does.Contain("loaded-from " + Path.Combine(Bin, "runtimes", NativeRuntimes.HostRid, "native", "libtensorpool.so")),
            "the native core came with the package");
        Assert.That(_lines, Does.Contain("matches True"));
        Assert.That(_lines, Does.Contain("sbe 48 10000 7 42"));
    }

    [Test]
    public void A_fresh_console_app_publishes_and_consumes_frames_through_the_package()
    {
        // Every frame published is received intact (the ring holds them all: no drop is possible), and the
        // consumer's counters agree with what the handler saw.
        Assert.That(_lines, Does.Contain($"roundtrip published {RoundTripFrames} received {RoundTripFrames} wrong 0 accepted {RoundTripFrames} drops 0"),
            string.Join("\n", _lines));
    }

    [Test]
    public void The_round_trip_app_leaves_no_shared_memory_behind_but_its_logs()
    {
        // Disposing the producer removes its epoch directory (user guide, "Cleaning up"); only tp:ipc logs remain.
        string[] files = Directory.GetFiles(_shm!.Path, "*", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty, "the app ran against this base dir");
        Assert.That(files, Has.All.Contain(Path.DirectorySeparatorChar + "ipc" + Path.DirectorySeparatorChar));
    }
}
