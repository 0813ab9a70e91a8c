using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// D231: a public type in a namespace named <c>Internal</c> (or nested in one) of a shipped assembly is pubternal:
/// shared plumbing between the project's own assemblies, hidden from IntelliSense by
/// <c>[EditorBrowsable(EditorBrowsableState.Never)]</c> and outside compatibility. Read from the built assemblies' metadata
/// (tp's output carries every shipped assembly but tp-bench's own).
/// </summary>
public class PubternalTypeTests
{
    private const int EditorBrowsableNever = 1;

    private static IEnumerable<string> ShippedAssemblyFiles()
    {
        string[] outputs =
        [
            Path.Combine(RepoPaths.Root, "src", "TensorPool.Cli", "bin", RepoPaths.Configuration, "net10.0"),
            Path.Combine(RepoPaths.Root, "bench", "TensorPool.Bench.Cli", "bin", RepoPaths.Configuration, "net10.0"),
        ];
        foreach (string name in InternalsVisibilityTests.ShippedAssemblyNames())
        {
            string? file = outputs.Select(o => Path.Combine(o, name + ".dll")).FirstOrDefault(File.Exists);
            Assert.That(file, Is.Not.Null, $"{name}.dll is built (in {string.Join(" or ", outputs)})");
            yield return file!;
        }
    }

    [Test]
    public void Every_public_type_in_an_Internal_namespace_of_a_shipped_assembly_is_hidden_from_IntelliSense()
    {
        var unmarked = new List<string>();
        int pubternal = 0;
        foreach (string file in ShippedAssemblyFiles())
        {
            foreach ((string name, bool hidden) in PubternalTypes(file))
            {
                pubternal++;
                if (!hidden)
                {
                    unmarked.Add($"{Path.GetFileNameWithoutExtension(file)}: {name}");
                }
            }
        }
        Assert.That(pubternal, Is.GreaterThan(100), "the bindings and the runtime's shared plumbing are pubternal");
        Assert.That(unmarked, Is.Empty, "mark each with [EditorBrowsable(EditorBrowsableState.Never)] (docs/CONTRIBUTING.md, \"Pubternal\")");
    }

    /// <summary>Top-level public types whose namespace has an <c>Internal</c> segment, and whether they are hidden.</summary>
    internal static List<(string Name, bool Hidden)> PubternalTypes(string assemblyFile)
    {
        using var stream = File.OpenRead(assemblyFile);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var found = new List<(string, bool)>();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            string ns = md.GetString(type.Namespace);
            if (!type.GetDeclaringType().IsNil
                || (type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public
                || !ns.Split('.').Contains("Internal"))
            {
                continue;
            }
            found.Add(($"{ns}.{md.GetString(type.Name)}", type.GetCustomAttributes().Any(a => IsEditorBrowsableNever(md, md.GetCustomAttribute(a)))));
        }
        return found;
    }

    private static bool IsEditorBrowsableNever(MetadataReader md, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }
        MemberReference ctor = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
        if (ctor.Parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }
        TypeReference owner = md.GetTypeReference((TypeReferenceHandle)ctor.Parent);
        if (md.GetString(owner.Namespace) != "System.ComponentModel" || md.GetString(owner.Name) != "EditorBrowsableAttribute")
        {
            return false;
        }
        // Blob: prolog 0x0001, then the EditorBrowsableState argument as an int32.
        BlobReader value = md.GetBlobReader(attribute.Value);
        return value.Length >= 6 && value.ReadUInt16() == 1 && value.ReadInt32() == EditorBrowsableNever;
    }
}
