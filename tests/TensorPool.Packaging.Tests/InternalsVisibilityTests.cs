using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// D125, D231: assemblies that ship (in a package, or inside another shipped assembly's package) see each other only
/// through public or pubternal API, and no assembly lets a missing one see its internals. Test projects may see what
/// they test.
/// </summary>
public class InternalsVisibilityTests
{
    private static readonly Lazy<List<SourceProject>> Projects = new(() => SourceProject.LoadAll(RepoPaths.Root));

    /// <summary>Packed projects and every project whose assembly they carry.</summary>
    private static HashSet<SourceProject> Shipped()
    {
        Dictionary<string, SourceProject> byPath = Projects.Value.ToDictionary(p => p.Path);
        var shipped = new HashSet<SourceProject>();
        var pending = new Stack<SourceProject>(Projects.Value.Where(p => p.Packable));
        while (pending.TryPop(out SourceProject? project))
        {
            if (shipped.Add(project))
            {
                foreach (string reference in project.References)
                {
                    pending.Push(byPath[reference]);
                }
            }
        }
        return shipped;
    }

    [Test]
    public void The_shipped_set_is_the_packages_and_what_they_carry()
    {
        string[] shipped = [.. Shipped().Select(p => p.AssemblyName)];
        Assert.That(shipped, Is.SupersetOf(new[] { "TensorPool", "TensorPool.Native", "TensorPool.Driver", "tp", "tp-bench", "TensorPool.Processes" }));
        Assert.That(shipped.Where(n => n.EndsWith(".Tests", StringComparison.Ordinal) || n == "TensorPool.TestHost" || n == "TensorPool.Testing"), Is.Empty,
            "test projects and their helpers never ship");
    }

    [Test]
    public void A_shipped_assembly_lets_no_other_shipped_assembly_see_its_internals()
    {
        HashSet<SourceProject> shipped = Shipped();
        HashSet<string> names = [.. shipped.Select(p => p.AssemblyName)];
        var grants = shipped.SelectMany(p => p.Grants.Where(names.Contains).Select(to => (From: p.AssemblyName, To: to))).ToHashSet();

        Assert.That(grants, Is.Empty, "give what they share a public or pubternal home instead (D125, D231)");
    }

    /// <summary>The shipped set as the tests compute it, for the pubternal tests.</summary>
    internal static IEnumerable<string> ShippedAssemblyNames() => Shipped().Select(p => p.AssemblyName);

    [Test]
    public void No_assembly_lets_a_missing_assembly_see_its_internals()
    {
        HashSet<string> names = [.. Projects.Value.Select(p => p.AssemblyName)];
        Assert.That(names, Has.Count.GreaterThan(20), "the projects were found");
        string[] missing = [.. Projects.Value.SelectMany(p => p.Grants.Where(g => !names.Contains(g)).Select(g => $"{p.AssemblyName} -> {g}"))];
        Assert.That(missing, Is.Empty, "InternalsVisibleTo names an assembly no project builds (tp's assembly is 'tp')");
    }
}
