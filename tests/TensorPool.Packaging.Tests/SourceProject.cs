using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// A project of the repository as its csproj says: the assembly it builds, whether it is packed, the projects whose
/// assemblies it carries, and the assemblies it lets see its internals (csproj items and attributes in its sources).
/// </summary>
internal sealed partial class SourceProject
{
    private static readonly string[] Skipped = ["bin", "obj", "build", "artifacts", ".git"];

    private SourceProject(string path, string assemblyName, bool packable, IReadOnlyList<string> references, IReadOnlyList<string> grants)
    {
        Path = path;
        AssemblyName = assemblyName;
        Packable = packable;
        References = references;
        Grants = grants;
    }

    public string Path { get; }

    public string AssemblyName { get; }

    /// <summary>Packed by <c>dotnet pack</c>: IsPackable is not false in the csproj or a Directory.Build.props above it.</summary>
    public bool Packable { get; }

    /// <summary>Full paths of the referenced projects whose assembly this one carries (not analyzers, not build-order only).</summary>
    public IReadOnlyList<string> References { get; }

    /// <summary>The assembly names given InternalsVisibleTo.</summary>
    public IReadOnlyList<string> Grants { get; }

    public override string ToString() => AssemblyName;

    /// <summary>Every csproj under <paramref name="root"/> outside build output.</summary>
    public static List<SourceProject> LoadAll(string root) =>
        [.. Files(root, "*.csproj").Select(p => Load(root, p))];

    private static SourceProject Load(string root, string csproj)
    {
        XDocument doc = XDocument.Load(csproj);
        string dir = System.IO.Path.GetDirectoryName(csproj)!;
        string assembly = Property(doc, "AssemblyName") ?? System.IO.Path.GetFileNameWithoutExtension(csproj);
        string? packable = Property(doc, "IsPackable") ?? InheritedIsPackable(root, dir);
        List<string> references = [.. doc.Descendants("ProjectReference")
            .Where(r => (string?)r.Attribute("ReferenceOutputAssembly") != "false" && (string?)r.Attribute("OutputItemType") != "Analyzer")
            .Select(r => System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, ((string)r.Attribute("Include")!).Replace('\\', '/'))))];
        List<string> grants = [.. doc.Descendants("InternalsVisibleTo").Select(i => (string)i.Attribute("Include")!)];
        foreach (string source in Files(dir, "*.cs"))
        {
            grants.AddRange(GrantAttribute().Matches(File.ReadAllText(source)).Select(m => m.Groups[1].Value));
        }
        return new SourceProject(csproj, assembly, !string.Equals(packable, "false", StringComparison.OrdinalIgnoreCase), references, grants);
    }

    private static string? Property(XDocument doc, string name) =>
        doc.Descendants(name).Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0 && !v.Contains("$(", StringComparison.Ordinal));

    private static string? InheritedIsPackable(string root, string dir)
    {
        for (string? d = dir; d is not null && d.Length >= root.Length; d = System.IO.Path.GetDirectoryName(d))
        {
            string props = System.IO.Path.Combine(d, "Directory.Build.props");
            if (File.Exists(props) && Property(XDocument.Load(props), "IsPackable") is { } value)
            {
                return value;
            }
        }
        return null;
    }

    private static IEnumerable<string> Files(string dir, string pattern)
    {
        foreach (string file in Directory.EnumerateFiles(dir, pattern))
        {
            yield return file;
        }
        foreach (string sub in Directory.EnumerateDirectories(dir).Where(d => !Skipped.Contains(System.IO.Path.GetFileName(d))))
        {
            foreach (string file in Files(sub, pattern))
            {
                yield return file;
            }
        }
    }

    [GeneratedRegex(@"InternalsVisibleTo\(\s*""([^"",]+)")]
    private static partial Regex GrantAttribute();
}
