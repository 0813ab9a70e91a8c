using NUnit.Framework;

namespace TensorPool.Testing;

/// <summary>Locations in the source tree and the optional reference data beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding TensorPool.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>Build configuration of the running test assembly (Debug or Release).</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>
    /// The reference conformance data (<c>../shared/reference</c> beside the repository), or null
    /// when it is absent, as it is in a user's clone. TP_SHARED_DIR overrides the location.
    /// </summary>
    public static string? ReferenceDir
    {
        get
        {
            string? shared = Environment.GetEnvironmentVariable("TP_SHARED_DIR");
            if (string.IsNullOrEmpty(shared))
            {
                shared = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            }
            string reference = Path.Combine(shared, "reference");
            return Directory.Exists(reference) ? reference : null;
        }
    }

    /// <summary>The reference data folder, or an NUnit Ignore with the reason when it is absent.</summary>
    public static string RequireReferenceDir()
    {
        string? dir = ReferenceDir;
        if (dir is null)
        {
            Assert.Ignore("../shared/reference (the reference implementation's conformance data) is absent; " +
                          "set TP_SHARED_DIR to run this test.");
        }
        return dir!;
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TensorPool.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"TensorPool.sln not found above {AppContext.BaseDirectory}");
    }
}
