using TensorPool.Testing;

namespace TensorPool.Sbe.Tests;

/// <summary>The reference implementation's encoded messages (../shared/reference), by relative path.</summary>
internal static class ReferenceFiles
{
    private const string Absent = "(reference data absent)";

    /// <summary>messages/*.bin and captured/*.bin; one placeholder case when the folder is absent (the test then skips).</summary>
    public static IEnumerable<string> Messages()
    {
        string? dir = RepoPaths.ReferenceDir;
        if (dir is null)
        {
            yield return Absent;
            yield break;
        }
        foreach (string sub in new[] { "messages", "captured" })
        {
            foreach (string f in Directory.GetFiles(Path.Combine(dir, sub), "*.bin").Order(StringComparer.Ordinal))
            {
                yield return sub + "/" + Path.GetFileName(f);
            }
        }
    }

    /// <summary>The schema files compared with ours.</summary>
    public static IEnumerable<string> Schemas() =>
        ["wire-schema.xml", "driver-schema.xml", "discovery-schema.xml", "join-barrier-schema.xml", "trace-link-schema.xml"];

    public static string Path_(string relative) => Path.Combine(RepoPaths.RequireReferenceDir(), relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path_(relative));

    public static string Json(string relativeBin) => File.ReadAllText(Path.ChangeExtension(Path_(relativeBin), ".json"));
}
