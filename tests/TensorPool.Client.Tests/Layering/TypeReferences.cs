using System.Reflection;
using System.Reflection.Emit;

namespace TensorPool.Client.Tests.Layering;

/// <summary>
/// Every type a compiled type mentions: its base type and interfaces, the signatures of its fields, properties,
/// events and methods, their local variables, and each type, field and method token in their IL (calls, object
/// creation, casts, field access, typeof). Compiler-generated nested types (lambdas, state machines) are types of the
/// same namespace and are scanned like any other.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
        BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static TypeReferences()
    {
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            ushort value = unchecked((ushort)op.Value);
            if (op.Size == 1)
            {
                OneByte[value] = op;
            }
            else
            {
                TwoByte[value & 0xFF] = op;
            }
        }
    }

    /// <summary>The types <paramref name="type"/> mentions, with where (for the failure message).</summary>
    public static IEnumerable<(Type Referenced, string Where)> Of(Type type)
    {
        var found = new List<(Type, string)>();
        void Add(Type? t, string where)
        {
            foreach (Type u in Unwrap(t))
            {
                found.Add((u, where));
            }
        }

        Add(type.BaseType, "base type");
        foreach (Type i in type.GetInterfaces())
        {
            Add(i, "interface");
        }
        foreach (FieldInfo f in type.GetFields(Declared))
        {
            Add(f.FieldType, "field " + f.Name);
        }
        foreach (PropertyInfo p in type.GetProperties(Declared))
        {
            Add(p.PropertyType, "property " + p.Name);
        }
        foreach (EventInfo e in type.GetEvents(Declared))
        {
            Add(e.EventHandlerType, "event " + e.Name);
        }
        foreach (MethodBase m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            string where = $"{(m.IsConstructor ? "constructor" : "method " + m.Name)}";
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType, where);
            }
            foreach (ParameterInfo p in m.GetParameters())
            {
                Add(p.ParameterType, where);
            }
            MethodBody? body = m.GetMethodBody();
            if (body is null)
            {
                continue;
            }
            foreach (LocalVariableInfo local in body.LocalVariables)
            {
                Add(local.LocalType, where + " (local)");
            }
            foreach (MemberInfo member in Tokens(m, body.GetILAsByteArray() ?? []))
            {
                switch (member)
                {
                    case Type t:
                        Add(t, where + " (IL)");
                        break;
                    case FieldInfo f:
                        Add(f.DeclaringType, where + " (IL)");
                        Add(f.FieldType, where + " (IL)");
                        break;
                    case MethodBase called:
                        Add(called.DeclaringType, where + " (IL)");
                        if (called is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (Type a in generic.GetGenericArguments())
                            {
                                Add(a, where + " (IL)");
                            }
                        }
                        break;
                }
            }
        }
        return found;
    }

    /// <summary>The members named by the type, field, method and token operands of <paramref name="il"/>.</summary>
    private static List<MemberInfo> Tokens(MethodBase method, byte[] il)
    {
        var members = new List<MemberInfo>();
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            OpCode op = il[i] == 0xFE ? TwoByte[il[++i]] : OneByte[il[i]];
            i++;
            switch (op.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    int token = BitConverter.ToInt32(il, i);
                    if (method.Module.ResolveMember(token, typeArgs, methodArgs) is { } member)
                    {
                        members.Add(member);
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (BitConverter.ToInt32(il, i) * 4);
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4; // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    break;
            }
        }
        return members;
    }

    /// <summary>A type and the types it is built from: element types, generic definitions and arguments.</summary>
    private static IEnumerable<Type> Unwrap(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }
        if (type.HasElementType)
        {
            foreach (Type t in Unwrap(type.GetElementType()))
            {
                yield return t;
            }
            yield break;
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (Type a in type.GetGenericArguments())
            {
                foreach (Type t in Unwrap(a))
                {
                    yield return t;
                }
            }
            yield break;
        }
        yield return type;
    }
}
