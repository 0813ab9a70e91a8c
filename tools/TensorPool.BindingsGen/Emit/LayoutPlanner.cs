using TensorPool.BindingsGen.Model;

namespace TensorPool.BindingsGen.Emit;

/// <summary>
/// Chooses a C# layout for each struct by simulating the CLR's sequential layout of blittable types
/// (each field at the next multiple of min(pack, its alignment); size rounded up to min(pack, largest
/// alignment)) and comparing it with clang's offsets and size. The ABI test checks the result at run time.
/// </summary>
internal sealed class LayoutPlanner(IReadOnlyDictionary<string, StructDecl> structs, IReadOnlyDictionary<string, EnumDecl> enums)
{
    private readonly Dictionary<string, StructLayoutPlan> _plans = new(StringComparer.Ordinal);

    public StructLayoutPlan Plan(StructDecl decl)
    {
        if (_plans.TryGetValue(decl.Key, out StructLayoutPlan? known))
        {
            return known;
        }
        StructLayoutPlan plan = Choose(decl);
        _plans.Add(decl.Key, plan);
        return plan;
    }

    private StructLayoutPlan Choose(StructDecl decl)
    {
        var candidates = new List<int>();
        if (decl.Packed)
        {
            candidates.Add(1);
        }
        if (decl.Alignment is 1 or 2 or 4 or 8 && !candidates.Contains((int)decl.Alignment))
        {
            candidates.Add((int)decl.Alignment);
        }
        foreach (int pack in candidates)
        {
            if (SimulateSequential(decl, pack) is { } sequential)
            {
                return sequential;
            }
        }
        long alignment = decl.Fields.Max(f => SizeAndAlignment(f.Type).Alignment);
        return new StructLayoutPlan(Explicit: true, Pack: 0, decl.Size, alignment);
    }

    private StructLayoutPlan? SimulateSequential(StructDecl decl, int pack)
    {
        long offset = 0;
        long largest = 1;
        foreach (FieldDecl field in decl.Fields)
        {
            (long size, long alignment) = SizeAndAlignment(field.Type);
            long effective = Math.Min(pack, alignment);
            offset = AlignUp(offset, effective);
            if (offset != field.Offset)
            {
                return null;
            }
            offset += size;
            largest = Math.Max(largest, effective);
        }
        long total = AlignUp(offset, largest);
        return total == decl.Size ? new StructLayoutPlan(Explicit: false, pack, total, largest) : null;
    }

    /// <summary>Size and alignment of the C# type a <see cref="CType"/> maps to.</summary>
    public (long Size, long Alignment) SizeAndAlignment(CType type) => type switch
    {
        PrimitiveType p => (p.Kind.Size(), p.Kind.Size()),
        PointerType or FunctionPointerType => (8, 8),
        EnumRefType e => (enums[e.Key].Underlying.Size(), enums[e.Key].Underlying.Size()),
        StructRefType s => (Plan(structs[s.Key]).Size, Plan(structs[s.Key]).Alignment),
        ArrayType a => (SizeAndAlignment(a.Element).Size * a.Length, SizeAndAlignment(a.Element).Alignment),
        _ => throw new InvalidOperationException($"no by-value layout for {type}"),
    };

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
