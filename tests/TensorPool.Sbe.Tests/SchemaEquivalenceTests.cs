using TensorPool.Sbe.Generator.Model;
using TensorPool.Testing;

namespace TensorPool.Sbe.Tests;

/// <summary>
/// Our schemas are wire-identical to the reference's: same messages, ids, field ids, primitive types and
/// lengths, offsets, block lengths, presence and null values, enum values, group and data order. Both
/// files are read by the generator's own schema model, which resolves every offset.
/// </summary>
public class SchemaEquivalenceTests
{
    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Schemas))]
    public void Schema_is_wire_identical_to_the_reference(string file)
    {
        SbeSchema ours = SchemaParser.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", file)), file);
        SbeSchema theirs = SchemaParser.Parse(File.ReadAllText(ReferenceFiles.Path_("schemas/" + file)), file);

        Assert.That(ours.Id, Is.EqualTo(theirs.Id), "schemaId");
        Assert.That(ours.Version, Is.EqualTo(theirs.Version), "version");
        Assert.That(ours.Messages.Select(m => m.Name), Is.EqualTo(theirs.Messages.Select(m => m.Name)), "messages");
        foreach (Container theirMessage in theirs.Messages)
        {
            Container ourMessage = ours.Messages.Single(m => m.Name == theirMessage.Name);
            Assert.That(Describe(ourMessage), Is.EqualTo(Describe(theirMessage)), "message " + theirMessage.Name);
        }
    }

    [Test]
    public void Schema_files_in_the_repository_are_exactly_the_five_specs()
    {
        string[] files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "schemas"), "*.xml").Select(Path.GetFileName).Order().ToArray()!;
        Assert.That(files, Is.EqualTo(ReferenceFiles.Schemas().Order().ToArray()));
    }

    /// <summary>Everything about a message that reaches the wire, one line per fact.</summary>
    internal static List<string> Describe(Container c)
    {
        var lines = new List<string> { $"{c.Name} id={c.Id} blockLength={c.BlockLength} since={c.SinceVersion}" };
        foreach (Field f in c.Fields)
        {
            string type = f.Kind switch
            {
                FieldKind.Enum => $"enum {f.Enum!.Name}:{f.Primitive.SbeName}[{string.Join(",", f.Enum.Values.Select(v => v.Key + "=" + v.Value))}]",
                FieldKind.Set => $"set {f.Set!.Name}:{f.Primitive.SbeName}[{string.Join(",", f.Set.Choices.Select(v => v.Key + "=" + v.Value))}]",
                FieldKind.Constant => $"constant {f.Primitive.SbeName}={f.ConstantLiteral}",
                _ => $"{f.Primitive.SbeName}x{f.ArrayLength}",
            };
            lines.Add($"  field {f.Name} id={f.Id} {type} offset={f.Offset} size={f.Size} " +
                      $"optional={f.IsOptional} null={f.NullLiteral} since={f.SinceVersion}");
        }
        foreach (Section s in c.Sections)
        {
            if (s.Group is not null)
            {
                lines.AddRange(Describe(s.Group).Select(l => "  group " + l));
            }
            else
            {
                lines.Add($"  data {s.Var!.Name} id={s.Var.Id} max={s.Var.MaxLength} since={s.Var.SinceVersion}");
            }
        }
        return lines;
    }
}
