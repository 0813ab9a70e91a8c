using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorPool.Native.Tests.Abi;

/// <summary>
/// Compares what the C compiler reports (tp_abi_probe) with the C# types of an assembly of generated bindings,
/// matched through their [NativeName] attributes: every struct size, field offset, enum member and constant value,
/// in both directions (nothing in C missing from C#, nothing in C# the probe does not know).
/// </summary>
internal static class AbiComparer
{
    private const string NativeNameAttribute = "NativeNameAttribute";

    /// <param name="bindings">The assembly of generated bindings.</param>
    /// <param name="probe">The probe's records.</param>
    /// <param name="ns">Only the types of this namespace (an assembly that binds two libraries, as the Aeron one); null: all.</param>
    public static List<string> Compare(Assembly bindings, IReadOnlyList<AbiRecord> probe, string? ns = null)
    {
        var problems = new List<string>();
        Type[] all = bindings.GetTypes().Where(t => ns is null || t.Namespace == ns).ToArray();
        Dictionary<string, Type> types = all
            .Where(t => !t.IsNested && NativeName(t) is not null)
            .ToDictionary(t => NativeName(t)!, StringComparer.Ordinal);
        Dictionary<string, FieldInfo> constants = all
            .Where(t => t is { IsAbstract: true, IsSealed: true, IsEnum: false } && t.Name.EndsWith("Constants", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => NativeName(f) is not null)
            .ToDictionary(f => NativeName(f)!, StringComparer.Ordinal);

        var seenTypes = new HashSet<string>(StringComparer.Ordinal);
        var seenMembers = new HashSet<string>(StringComparer.Ordinal);
        var seenConstants = new HashSet<string>(StringComparer.Ordinal);
        foreach (AbiRecord record in probe)
        {
            switch (record.Kind)
            {
                case "struct":
                    seenTypes.Add(record.Owner);
                    if (!types.TryGetValue(record.Owner, out Type? structType) || !structType.IsValueType || structType.IsEnum)
                    {
                        problems.Add($"struct {record.Owner}: no C# struct with [NativeName(\"{record.Owner}\")]");
                        break;
                    }
                    long size = SizeOf(structType);
                    long marshalSize = Marshal.SizeOf(structType);
                    if (size != Parse(record.Value) || marshalSize != Parse(record.Value))
                    {
                        problems.Add($"struct {record.Owner}: C sizeof {record.Value}, C# {structType.Name} Unsafe.SizeOf {size}, Marshal.SizeOf {marshalSize}");
                    }
                    break;
                case "field":
                    seenMembers.Add(record.Owner + "." + record.Member);
                    if (!types.TryGetValue(record.Owner, out Type? owner))
                    {
                        break; // reported with its struct line
                    }
                    FieldInfo? field = owner.GetFields(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(f => NativeName(f) == record.Member);
                    if (field is null)
                    {
                        problems.Add($"field {record.Owner}.{record.Member}: no C# field with [NativeName(\"{record.Member}\")] in {owner.Name}");
                        break;
                    }
                    long offset = Marshal.OffsetOf(owner, field.Name).ToInt64();
                    if (offset != Parse(record.Value))
                    {
                        problems.Add($"field {record.Owner}.{record.Member}: C offsetof {record.Value}, C# {owner.Name}.{field.Name} at {offset}");
                    }
                    break;
                case "enum":
                    seenTypes.Add(record.Owner);
                    seenMembers.Add(record.Owner + "." + record.Member);
                    if (!types.TryGetValue(record.Owner, out Type? enumType) || !enumType.IsEnum)
                    {
                        problems.Add($"enum {record.Owner}: no C# enum with [NativeName(\"{record.Owner}\")]");
                        break;
                    }
                    FieldInfo? member = enumType.GetFields(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(f => NativeName(f) == record.Member);
                    if (member is null)
                    {
                        problems.Add($"enum {record.Owner}: no member with [NativeName(\"{record.Member}\")] in {enumType.Name}");
                        break;
                    }
                    CompareValue(problems, $"enum {record.Owner}.{record.Member}", record.Value, member);
                    break;
                case "const":
                    seenConstants.Add(record.Member);
                    if (!constants.TryGetValue(record.Member, out FieldInfo? constant))
                    {
                        problems.Add($"const {record.Member}: no C# constant with [NativeName(\"{record.Member}\")]");
                        break;
                    }
                    CompareValue(problems, $"const {record.Member}", record.Value, constant);
                    break;
            }
        }

        // The other direction: C# layouts and values the probe never checked.
        foreach ((string name, Type type) in types)
        {
            bool opaque = type.IsValueType && !type.IsEnum && type.GetFields(BindingFlags.Public | BindingFlags.Instance).Length == 0;
            if (opaque)
            {
                continue;
            }
            if (!seenTypes.Contains(name))
            {
                problems.Add($"{type.Name} [NativeName(\"{name}\")]: not in the probe output (stale binding or stale probe)");
                continue;
            }
            IEnumerable<FieldInfo> members = type.IsEnum
                ? type.GetFields(BindingFlags.Public | BindingFlags.Static)
                : type.GetFields(BindingFlags.Public | BindingFlags.Instance);
            foreach (FieldInfo f in members.Where(f => NativeName(f) is not null))
            {
                if (!seenMembers.Contains(name + "." + NativeName(f)))
                {
                    problems.Add($"{type.Name}.{f.Name} [NativeName(\"{NativeName(f)}\")]: not in the probe output");
                }
            }
        }
        foreach ((string name, FieldInfo constant) in constants)
        {
            if (!seenConstants.Contains(name))
            {
                problems.Add($"{constant.DeclaringType!.Name}.{constant.Name} [NativeName(\"{name}\")]: not in the probe output");
            }
        }
        return problems;
    }

    private static void CompareValue(List<string> problems, string what, string cValue, FieldInfo field)
    {
        string actual = Convert.ToString(field.GetRawConstantValue(), CultureInfo.InvariantCulture)!;
        if (actual != cValue)
        {
            problems.Add($"{what}: C value {cValue}, C# {field.DeclaringType!.Name}.{field.Name} = {actual}");
        }
    }

    private static long Parse(string value) => long.Parse(value, CultureInfo.InvariantCulture);

    private static string? NativeName(MemberInfo member) =>
        member.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType.Name == NativeNameAttribute)?
            .ConstructorArguments[0].Value as string;

    private static long SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
}
