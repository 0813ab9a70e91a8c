using TensorPool.BindingsGen.Clang;
using TensorPool.BindingsGen.Model;

namespace TensorPool.BindingsGen.Parsing;

/// <summary>
/// Maps a clang type to a <see cref="CType"/>, or throws <see cref="UnsupportedConstructException"/> naming the
/// construct. Only what docs/CONTRIBUTING.md allows in exported signatures and shared layouts is accepted.
/// </summary>
internal sealed class TypeMapper(IReadOnlyDictionary<string, TypeEntry> types, bool boolAsByte = false)
{
    private readonly Dictionary<string, TypeEntry> _byKey = types.Values.ToDictionary(t => t.Key, StringComparer.Ordinal);

    /// <summary>Typedefs whose C# spelling is the native-sized integer rather than the fixed-width one.</summary>
    private static readonly Dictionary<string, PrimitiveKind> NativeSizedTypedefs = new(StringComparer.Ordinal)
    {
        ["size_t"] = PrimitiveKind.NUInt,
        ["uintptr_t"] = PrimitiveKind.NUInt,
        ["ssize_t"] = PrimitiveKind.NInt,
        ["ptrdiff_t"] = PrimitiveKind.NInt,
        ["intptr_t"] = PrimitiveKind.NInt,
    };

    public CType Map(CXType type, TypeSite site)
    {
        string? functionTypedef = null;
        // Peel sugar (elaborated `struct x`, attributes, typedefs), remembering what the spelling tells us.
        while (true)
        {
            switch (type.Kind)
            {
                case CXTypeKind.Elaborated:
                    type = LibClang.clang_Type_getNamedType(type);
                    continue;
                case CXTypeKind.Attributed:
                case CXTypeKind.BTFTagAttributed:
                    type = LibClang.clang_Type_getModifiedType(type);
                    continue;
                case CXTypeKind.Typedef:
                    CXCursor declaration = type.Declaration();
                    string typedefName = declaration.Spelling();
                    if (NativeSizedTypedefs.TryGetValue(typedefName, out PrimitiveKind nativeSized))
                    {
                        return new PrimitiveType(nativeSized);
                    }
                    CXType underlying = LibClang.clang_getTypedefDeclUnderlyingType(declaration);
                    if (underlying.Canonical().Kind == CXTypeKind.Pointer
                        && LibClang.clang_getPointeeType(underlying.Canonical()).Kind is CXTypeKind.FunctionProto or CXTypeKind.FunctionNoProto)
                    {
                        functionTypedef ??= typedefName;
                    }
                    type = underlying;
                    continue;
                case CXTypeKind.Unexposed:
                    // Parenthesised and other sugar libclang does not expose: the canonical type is what it means.
                    CXType canonical = type.Canonical();
                    if (canonical.Kind == CXTypeKind.Unexposed)
                    {
                        throw Unsupported(type);
                    }
                    type = canonical;
                    continue;
            }
            break;
        }

        switch (type.Kind)
        {
            case CXTypeKind.Void:
                if (site is TypeSite.Return or TypeSite.Pointee)
                {
                    return VoidType.Instance;
                }
                throw new UnsupportedConstructException("'void' is only valid as a return type or behind a pointer");
            case CXTypeKind.Bool when boolAsByte:
                return new PrimitiveType(PrimitiveKind.Byte);
            case CXTypeKind.Bool:
                throw new UnsupportedConstructException(
                    "'bool' is not bindable (its size and valid values are not guaranteed across the boundary): use int or uint8_t");
            case CXTypeKind.Pointer:
                return MapPointer(type, functionTypedef);
            case CXTypeKind.Record:
                return MapRecord(type, site);
            case CXTypeKind.Enum:
                return MapEnum(type);
            case CXTypeKind.ConstantArray:
                return MapArray(type, site);
            case CXTypeKind.IncompleteArray:
                throw new UnsupportedConstructException(
                    $"flexible array member '{type.Spelling()}' is not bindable: give the trailing data an offset constant instead");
            case CXTypeKind.VariableArray:
                throw new UnsupportedConstructException($"variable-length array '{type.Spelling()}' is not bindable");
            case CXTypeKind.Atomic:
                throw new UnsupportedConstructException(
                    $"'{type.Spelling()}': _Atomic is not bindable; use a plain integer with the TP_LOAD_ACQUIRE/TP_STORE_RELEASE accessors");
            case CXTypeKind.FunctionProto:
            case CXTypeKind.FunctionNoProto:
                throw new UnsupportedConstructException($"function type '{type.Spelling()}' used by value");
        }
        return new PrimitiveType(Primitive(type));
    }

    /// <summary>The C# scalar for a builtin integer or floating type (the enum's integer type, a field, ...).</summary>
    public static PrimitiveKind Primitive(CXType type)
    {
        CXType canonical = type.Canonical();
        return canonical.Kind switch
        {
            // Plain char is text or bytes, never a UTF-16 char.
            CXTypeKind.CharS or CXTypeKind.CharU or CXTypeKind.UChar => PrimitiveKind.Byte,
            CXTypeKind.SChar => PrimitiveKind.SByte,
            CXTypeKind.Short => PrimitiveKind.Short,
            CXTypeKind.UShort => PrimitiveKind.UShort,
            CXTypeKind.Int => PrimitiveKind.Int,
            CXTypeKind.UInt => PrimitiveKind.UInt,
            // linux-x64 is LP64: long is 8 bytes.
            CXTypeKind.Long or CXTypeKind.LongLong => PrimitiveKind.Long,
            CXTypeKind.ULong or CXTypeKind.ULongLong => PrimitiveKind.ULong,
            CXTypeKind.Float => PrimitiveKind.Float,
            CXTypeKind.Double => PrimitiveKind.Double,
            _ => throw Unsupported(type),
        };
    }

    private static UnsupportedConstructException Unsupported(CXType type) =>
        new($"type '{type.Spelling()}' is not bindable (use fixed-width integers, float, double, pointers, tp_ structs and enums)");

    private CType MapPointer(CXType pointer, string? functionTypedef)
    {
        CXType pointee = LibClang.clang_getPointeeType(pointer);
        CXTypeKind pointeeKind = pointee.Canonical().Kind;
        if (pointeeKind is CXTypeKind.FunctionProto or CXTypeKind.FunctionNoProto)
        {
            return MapFunction(pointee, functionTypedef);
        }
        bool constChar = pointeeKind is CXTypeKind.CharS or CXTypeKind.CharU && pointee.IsConst();
        return new PointerType(Map(pointee, TypeSite.Pointee), constChar);
    }

    private FunctionPointerType MapFunction(CXType function, string? typedefName)
    {
        // Keep the spelled prototype when libclang exposes it directly (so size_t stays nuint); else the canonical one.
        if (function.Kind != CXTypeKind.FunctionProto && function.Kind != CXTypeKind.FunctionNoProto)
        {
            function = function.Canonical();
        }
        string what = typedefName is null ? $"function pointer '{function.Spelling()}'" : $"function pointer typedef '{typedefName}'";
        if (function.Kind == CXTypeKind.FunctionNoProto)
        {
            throw new UnsupportedConstructException($"{what} has no prototype: declare its parameters (or (void))");
        }
        if (LibClang.clang_isFunctionTypeVariadic(function) != 0)
        {
            throw new UnsupportedConstructException($"{what} is variadic: not bindable");
        }
        if (LibClang.clang_getFunctionTypeCallingConv(function) != LibClang.CallingConvC)
        {
            throw new UnsupportedConstructException($"{what} does not use the C calling convention");
        }
        CType result = MapInFunction(LibClang.clang_getResultType(function), TypeSite.Return, what);
        int count = LibClang.clang_getNumArgTypes(function);
        var parameters = new List<CType>(count);
        for (uint i = 0; i < count; i++)
        {
            parameters.Add(MapInFunction(LibClang.clang_getArgType(function, i), TypeSite.Parameter, what));
        }
        return new FunctionPointerType(result, parameters, typedefName);
    }

    private CType MapInFunction(CXType type, TypeSite site, string what)
    {
        try
        {
            CType mapped = Map(type, site);
            CheckByValue(mapped, site);
            return mapped;
        }
        catch (UnsupportedConstructException e)
        {
            throw new UnsupportedConstructException($"{what}: {e.Message}");
        }
    }

    /// <summary>
    /// Structs pass by value only when small and naturally aligned (the SysV classification .NET implements
    /// reliably); anything else must go through a pointer.
    /// </summary>
    public void CheckByValue(CType type, TypeSite site)
    {
        if (type is not StructRefType reference || site is not (TypeSite.Parameter or TypeSite.Return))
        {
            return;
        }
        TypeEntry entry = _byKey[reference.Key];
        long size = entry.Cursor.Type().SizeOf();
        bool packed = entry.Cursor.Children().Any(c => c.Kind == CXCursorKind.PackedAttr);
        if (size > 16 || packed)
        {
            throw new UnsupportedConstructException(
                $"struct '{entry.CSpelling}' passed or returned by value ({size} bytes{(packed ? ", packed" : string.Empty)}): " +
                "only naturally aligned structs of at most 16 bytes may go by value; pass a pointer");
        }
    }

    private CType MapRecord(CXType record, TypeSite site)
    {
        CXCursor declaration = record.Declaration();
        if (declaration.Kind == CXCursorKind.UnionDecl)
        {
            throw new UnsupportedConstructException($"union '{record.Spelling()}' is not bindable");
        }
        if (!types.TryGetValue(declaration.Usr(), out TypeEntry? entry))
        {
            if (LibClang.clang_Cursor_isAnonymous(declaration) != 0)
            {
                throw new UnsupportedConstructException(
                    $"anonymous struct '{record.Spelling()}' is not bindable: give it a typedef name");
            }
            throw new UnsupportedConstructException(
                $"'{record.Spelling()}' is declared outside the bound headers (at {declaration.Location()}): only tp_ types can cross the boundary");
        }
        if (entry.Kind == TypeKind.Opaque || entry.UnboundReason is not null)
        {
            if (site != TypeSite.Pointee)
            {
                throw new UnsupportedConstructException(entry.UnboundReason is null
                ? $"opaque type '{entry.CSpelling}' used by value"
                : $"struct '{entry.CSpelling}' is not bound ({entry.UnboundReason}) and is used by value");
            }
            return new OpaqueRefType(entry.Key);
        }
        return new StructRefType(entry.Key);
    }

    private CType MapEnum(CXType type)
    {
        CXCursor declaration = type.Declaration();
        if (types.TryGetValue(declaration.Usr(), out TypeEntry? unbound) && unbound.UnboundReason is not null)
        {
            throw new UnsupportedConstructException($"enum '{unbound.Key}' is not bound");
        }
        if (types.TryGetValue(declaration.Usr(), out TypeEntry? entry) && entry.Kind == TypeKind.Enum)
        {
            return new EnumRefType(entry.Key);
        }
        if (entry is not null)
        {
            // A typeless anonymous enum used as a type: its integer type is all C# needs.
            return new PrimitiveType(EnumIntegerType(declaration));
        }
        throw new UnsupportedConstructException(
            $"'{type.Spelling()}' is declared outside the bound headers (at {declaration.Location()})");
    }

    /// <summary>The integer type clang gives an enum; plain char counts as signed here (enum values are numbers).</summary>
    public static PrimitiveKind EnumIntegerType(CXCursor enumDeclaration)
    {
        CXType integer = LibClang.clang_getEnumDeclIntegerType(enumDeclaration);
        return integer.Canonical().Kind == CXTypeKind.CharS ? PrimitiveKind.SByte : Primitive(integer);
    }

    private ArrayType MapArray(CXType array, TypeSite site)
    {
        if (site != TypeSite.Field)
        {
            throw new UnsupportedConstructException($"array '{array.Spelling()}' outside a struct");
        }
        long length = LibClang.clang_getArraySize(array);
        if (length <= 0)
        {
            throw new UnsupportedConstructException($"zero-length array '{array.Spelling()}' is not bindable");
        }
        CType element = Map(LibClang.clang_getArrayElementType(array), TypeSite.Field);
        string dimensions = "[" + length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
        if (element is ArrayType inner)
        {
            // Flatten T[a][b] to T[a*b]: the same bytes, and C# fixed buffers are one-dimensional.
            return new ArrayType(inner.Element, length * inner.Length, dimensions + inner.Dimensions);
        }
        return new ArrayType(element, length, dimensions);
    }
}
