namespace TensorPool.Native.Tests.Abi;

/// <summary>One line of tp_abi_probe output: struct size, field offset, enum member or constant value.</summary>
internal sealed record AbiRecord(string Kind, string Owner, string Member, string Value)
{
    /// <summary>Parses the probe's lines (<c>struct n size</c>, <c>field s f off</c>, <c>enum e c v</c>, <c>const c v</c>).</summary>
    public static List<AbiRecord> Parse(string output)
    {
        var records = new List<AbiRecord>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            // A string constant's value may hold spaces: a const line has three fields, the last is the rest.
            string[] parts = line.StartsWith("const ", StringComparison.Ordinal) ? line.Split(' ', 3) : line.Split(' ');
            records.Add(parts switch
            {
                ["struct", var name, var size] => new AbiRecord("struct", name, "", size),
                ["field", var owner, var field, var offset] => new AbiRecord("field", owner, field, offset),
                ["enum", var owner, var constant, var value] => new AbiRecord("enum", owner, constant, value),
                ["const", var constant, var value] => new AbiRecord("const", "", constant, value),
                _ => throw new FormatException($"unexpected tp_abi_probe line: '{line}'"),
            });
        }
        return records;
    }
}
