using System.Diagnostics;
using NUnit.Framework;

namespace TensorPool.Testing;

/// <summary>
/// Where the Aeron C client, media driver and the reference implementation are for the tests that need them, and an
/// <c>aeronmd</c> to run. Aeron is found through <c>TP_AERON_LIBRARY</c> (libaeron.so or its folder), else the local
/// prefix <c>./build.sh aeron</c> installs (build/aeron/install); the reference through <c>TP_REFERENCE_DIR</c> (a build
/// of tensor_pool_c). Tests that need one call <see cref="Require"/> or <see cref="RequireReference"/>, which skip
/// with the reason when it is absent.
/// </summary>
public static class AeronEnvironment
{
    /// <summary>The local prefix of ./build.sh aeron.</summary>
    public static string LocalPrefix => Path.Combine(RepoPaths.Root, "build", "aeron", "install");

    /// <summary>The folder holding libaeron.so (and libaeron_driver.so), or null.</summary>
    public static string? LibraryDirectory
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("TP_AERON_LIBRARY");
            if (!string.IsNullOrEmpty(configured))
            {
                return Directory.Exists(configured) ? configured : Path.GetDirectoryName(configured);
            }
            string local = Path.Combine(LocalPrefix, "lib");
            return File.Exists(Path.Combine(local, "libaeron.so")) ? local : null;
        }
    }

    /// <summary>libaeron.so, or null.</summary>
    public static string? ClientLibrary => LibraryDirectory is { } dir && File.Exists(Path.Combine(dir, "libaeron.so"))
        ? Path.Combine(dir, "libaeron.so")
        : null;

    /// <summary>The aeronmd binary: <c>TP_AERON_MEDIA_DRIVER</c>, the local prefix's, or one beside the library's folder.</summary>
    public static string? MediaDriverBinary
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("TP_AERON_MEDIA_DRIVER");
            if (!string.IsNullOrEmpty(configured))
            {
                return File.Exists(configured) ? configured : null;
            }
            foreach (string candidate in new[]
            {
                Path.Combine(LocalPrefix, "bin", "aeronmd"),
                LibraryDirectory is { } lib ? Path.Combine(lib, "..", "bin", "aeronmd") : string.Empty,
                LibraryDirectory is { } lib2 ? Path.Combine(lib2, "..", "binaries", "aeronmd") : string.Empty,
            })
            {
                if (candidate.Length > 0 && File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
            return null;
        }
    }

    /// <summary>libaeron's path, or an NUnit Ignore saying how to get Aeron.</summary>
    public static string Require()
    {
        string? library = ClientLibrary;
        if (library is null)
        {
            Assert.Ignore("Aeron is not available: run ./build.sh aeron (or ./build.sh aeron --source <aeron checkout>), " +
                "or set TP_AERON_LIBRARY to libaeron.so or its folder.");
        }
        return library!;
    }

    /// <summary>The aeronmd binary, or an NUnit Ignore with the reason.</summary>
    public static string RequireMediaDriverBinary()
    {
        Require();
        string? binary = MediaDriverBinary;
        if (binary is null)
        {
            Assert.Ignore("aeronmd is not available: run ./build.sh aeron, or set TP_AERON_MEDIA_DRIVER to the binary.");
        }
        return binary!;
    }

    /// <summary>The reference build (TP_REFERENCE_DIR), or null.</summary>
    public static string? ReferenceDir
    {
        get
        {
            string? dir = Environment.GetEnvironmentVariable("TP_REFERENCE_DIR");
            return !string.IsNullOrEmpty(dir) && Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary>
    /// A program of the reference build (<c>tp_driver</c>, <c>tp_example_producer_driver</c>, ...), found under
    /// TP_REFERENCE_DIR, its <c>build/tp</c> or <c>tp</c> folder; or an NUnit Ignore with the reason.
    /// </summary>
    public static string RequireReferenceProgram(string name)
    {
        Require();
        string? dir = ReferenceDir;
        if (dir is null)
        {
            Assert.Ignore("TP_REFERENCE_DIR is not set: point it at a build of the reference C implementation " +
                "(DarrylGamroth/tensor_pool_c built with Aeron; ../shared/reference/BUILDING.md) to run the interoperability scenarios.");
        }
        foreach (string candidate in new[] { Path.Combine(dir!, name), Path.Combine(dir!, "build", "tp", name), Path.Combine(dir!, "tp", name) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        Assert.Ignore($"TP_REFERENCE_DIR ({dir}) holds no {name}");
        return null!;
    }

    /// <summary>The reference's source tree (its config/ folder), when TP_REFERENCE_DIR is a work folder of BUILDING.md.</summary>
    public static string? ReferenceConfig(string file)
    {
        string? dir = ReferenceDir;
        if (dir is null)
        {
            return null;
        }
        foreach (string candidate in new[] { Path.Combine(dir, "config", file), Path.Combine(dir, "tensor_pool_c", "config", file) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Start <c>aeronmd</c> on <paramref name="aeronDir"/> (SHARED threading, the directory removed on start and on
    /// shutdown) and wait for its CnC file; extra <c>AERON_*</c> settings in <paramref name="environment"/>.
    /// <paramref name="netns"/> runs it inside that network namespace.
    /// </summary>
    public static ChildProcess StartMediaDriver(string aeronDir, IReadOnlyDictionary<string, string>? environment = null, string? netns = null)
    {
        string binary = RequireMediaDriverBinary();
        ProcessStartInfo psi = netns is null ? new ProcessStartInfo(binary) : new ProcessStartInfo("ip");
        if (netns is not null)
        {
            foreach (string a in new[] { "netns", "exec", netns, binary })
            {
                psi.ArgumentList.Add(a);
            }
        }
        psi.Environment["AERON_DIR"] = aeronDir;
        psi.Environment["AERON_THREADING_MODE"] = "SHARED";
        psi.Environment["AERON_DIR_DELETE_ON_START"] = "1";
        psi.Environment["AERON_DIR_DELETE_ON_SHUTDOWN"] = "1";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        ChildProcess driver = ChildProcess.Start(psi);
        string cnc = Path.Combine(aeronDir, "cnc.dat");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(cnc) || new FileInfo(cnc).Length == 0)
        {
            if (driver.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                string output = driver.StandardOutput + driver.StandardError;
                driver.Dispose();
                throw new InvalidOperationException($"aeronmd did not start on {aeronDir}: {output}");
            }
            Thread.Sleep(20);
        }
        return driver;
    }
}
