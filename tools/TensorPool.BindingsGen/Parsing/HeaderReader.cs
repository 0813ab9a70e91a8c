using System.Globalization;
using TensorPool.BindingsGen.Clang;
using TensorPool.BindingsGen.Model;

namespace TensorPool.BindingsGen.Parsing;

/// <summary>
/// Walks a parsed translation unit and builds one <see cref="HeaderModel"/> per bound header. Only declarations
/// located in those headers are read (never system headers). Every construct that cannot be bound is collected as
/// a <see cref="BindingsError"/>; if there is any, reading fails with all of them. With
/// <see cref="GeneratorOptions.SkipUnbindable"/> such a declaration is left out and listed as not bound instead (a
/// struct becomes opaque).
/// </summary>
internal sealed class HeaderReader
{
    private const string SuppressGcTransitionAnnotation = "tp:suppress_gc_transition";

    private readonly Dictionary<string, HeaderModel> _headers;
    private readonly GeneratorOptions _options;
    private readonly List<BindingsError> _errors = [];
    private readonly Dictionary<string, TypeEntry> _types = new(StringComparer.Ordinal);
    private readonly List<TypeEntry> _entries = [];
    private readonly Dictionary<string, string> _typedefNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _functionNames = new(StringComparer.Ordinal);
    private readonly CommentLocator _comments = new();
    private TypeMapper _mapper = null!;

    private HeaderReader(IEnumerable<HeaderModel> headers, GeneratorOptions options)
    {
        _headers = headers.ToDictionary(h => h.Path, StringComparer.Ordinal);
        _options = options;
    }

    private string Prefix => _options.SymbolPrefix;

    /// <summary>Reads the declarations of <paramref name="headers"/> from the translation unit.</summary>
    public static void Read(CXCursor translationUnit, IReadOnlyList<HeaderModel> headers, GeneratorOptions options)
    {
        var reader = new HeaderReader(headers, options);
        reader.ReadAll(translationUnit);
    }

    private void ReadAll(CXCursor translationUnit)
    {
        List<CXCursor> declarations = CollectDeclarations(translationUnit);

        foreach (CXCursor cursor in declarations.Where(c => c.Kind == CXCursorKind.TypedefDecl))
        {
            NoteTypedef(cursor);
        }
        foreach (CXCursor cursor in declarations)
        {
            RegisterType(cursor);
        }
        CheckNameCollisions();
        _mapper = new TypeMapper(_types, _options.BoolAsByte);

        foreach (TypeEntry entry in _entries.Where(t => t.Kind is TypeKind.Enum or TypeKind.AnonymousEnum))
        {
            ReadEnum(entry);
        }
        ReadStructs();
        foreach (TypeEntry entry in _entries.Where(t => t.Kind == TypeKind.Opaque || t.UnboundReason is not null && t.Kind == TypeKind.Struct))
        {
            entry.Header.Opaques.Add(new OpaqueDecl(entry.Key, entry.Name, _comments.Comment(entry.Cursor)));
        }
        foreach (CXCursor cursor in declarations)
        {
            switch (cursor.Kind)
            {
                case CXCursorKind.FunctionDecl:
                    ReadFunction(cursor);
                    break;
                case CXCursorKind.VarDecl:
                    Fail(cursor, cursor.Spelling(), $"variable '{cursor.Spelling()}' is not bindable: use an enum constant or an accessor function");
                    break;
            }
        }

        if (_errors.Count > 0)
        {
            throw new BindingsException(_errors
                .OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column)
                .ToList());
        }
    }

    /// <summary>Top-level declarations in the bound headers, plus tag types declared inside structs (file scope in C).</summary>
    private List<CXCursor> CollectDeclarations(CXCursor translationUnit)
    {
        var result = new List<CXCursor>();
        void Visit(CXCursor cursor)
        {
            result.Add(cursor);
            if (cursor.Kind == CXCursorKind.StructDecl)
            {
                foreach (CXCursor child in cursor.Children())
                {
                    if (child.Kind is CXCursorKind.StructDecl or CXCursorKind.UnionDecl or CXCursorKind.EnumDecl)
                    {
                        Visit(child);
                    }
                }
            }
        }
        foreach (CXCursor cursor in translationUnit.Children())
        {
            if (HeaderOf(cursor) is not null)
            {
                Visit(cursor);
            }
        }
        return result;
    }

    private HeaderModel? HeaderOf(CXCursor cursor)
    {
        string file = cursor.Location().File;
        if (file.Length == 0)
        {
            return null;
        }
        return _headers.GetValueOrDefault(Path.GetFullPath(file));
    }

    private void NoteTypedef(CXCursor typedef)
    {
        CXType underlying = LibClang.clang_getTypedefDeclUnderlyingType(typedef);
        while (underlying.Kind == CXTypeKind.Elaborated)
        {
            underlying = LibClang.clang_Type_getNamedType(underlying);
        }
        if (underlying.Kind is CXTypeKind.Record or CXTypeKind.Enum)
        {
            // The first typedef names the type; later ones are aliases of the same C# type.
            _typedefNames.TryAdd(underlying.Declaration().Usr(), typedef.Spelling());
        }
    }

    private void RegisterType(CXCursor cursor)
    {
        switch (cursor.Kind)
        {
            case CXCursorKind.UnionDecl:
                Fail(cursor, Describe(cursor), $"union '{Describe(cursor)}' is not bindable (docs/CONTRIBUTING.md: no unions in shared layouts or signatures)");
                return;
            case CXCursorKind.StructDecl:
                RegisterStruct(cursor);
                return;
            case CXCursorKind.EnumDecl:
                RegisterEnum(cursor);
                return;
        }
    }

    private void RegisterStruct(CXCursor cursor)
    {
        string usr = cursor.Usr();
        if (_types.ContainsKey(usr))
        {
            return;
        }
        string? typedefName = _typedefNames.GetValueOrDefault(usr);
        bool anonymous = LibClang.clang_Cursor_isAnonymous(cursor) != 0;
        if (anonymous && typedefName is null)
        {
            // `struct { ... } member;` inside another struct: reported where it is used.
            return;
        }
        CXCursor definition = LibClang.clang_getCursorDefinition(cursor);
        bool defined = !definition.IsNull();
        CXCursor home = defined ? definition : cursor;
        HeaderModel? header = HeaderOf(home);
        if (header is null)
        {
            Fail(cursor, Describe(cursor), $"struct '{Describe(cursor)}' is defined outside the bound headers ({home.Location()})");
            return;
        }
        string key = typedefName ?? cursor.Spelling();
        string cSpelling = typedefName ?? "struct " + cursor.Spelling();
        var entry = new TypeEntry(defined ? TypeKind.Struct : TypeKind.Opaque, key, cSpelling, Naming.TypeName(key, Prefix), header, home);
        Add(usr, entry);
    }

    private void RegisterEnum(CXCursor cursor)
    {
        string usr = cursor.Usr();
        if (_types.ContainsKey(usr) || !cursor.IsDefinition())
        {
            return;
        }
        HeaderModel header = HeaderOf(cursor)!;
        string? typedefName = _typedefNames.GetValueOrDefault(usr);
        if (LibClang.clang_Cursor_isAnonymous(cursor) != 0 && typedefName is null)
        {
            SourceLocation at = cursor.Location();
            string anonymousKey = $"(anonymous enum at {Path.GetFileName(at.File)}:{at.Line}:{at.Column})";
            Add(usr, new TypeEntry(TypeKind.AnonymousEnum, anonymousKey, anonymousKey,
                Naming.ConstantsClass(Path.GetFileName(header.Path), Prefix), header, cursor));
            return;
        }
        string key = typedefName ?? cursor.Spelling();
        string cSpelling = typedefName ?? "enum " + cursor.Spelling();
        Add(usr, new TypeEntry(TypeKind.Enum, key, cSpelling, Naming.TypeName(key, Prefix), header, cursor));
    }

    private void Add(string usr, TypeEntry entry)
    {
        _types.Add(usr, entry);
        _entries.Add(entry);
    }

    private void CheckNameCollisions()
    {
        var reserved = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NativeMethods"] = "the generated P/Invoke class",
            ["NativeNameAttribute"] = "the generated attribute",
        };
        foreach (TypeEntry entry in _entries.Where(t => t.Kind != TypeKind.AnonymousEnum))
        {
            if (reserved.TryGetValue(entry.Name, out string? other))
            {
                Error(entry.Cursor, $"'{entry.Key}' and {other} both map to the C# name '{entry.Name}': rename one");
            }
            else
            {
                reserved.Add(entry.Name, $"'{entry.Key}'");
            }
        }
        foreach (string constants in _entries.Where(t => t.Kind == TypeKind.AnonymousEnum).Select(t => t.Name).Distinct())
        {
            if (reserved.TryGetValue(constants, out string? other))
            {
                TypeEntry entry = _entries.First(t => t.Kind == TypeKind.AnonymousEnum && t.Name == constants);
                Error(entry.Cursor, $"the constants class of {Path.GetFileName(entry.Header.Path)} and {other} both map to '{constants}': rename one");
            }
        }
    }

    private void ReadEnum(TypeEntry entry)
    {
        CXCursor cursor = entry.Cursor;
        PrimitiveKind underlying;
        try
        {
            underlying = TypeMapper.EnumIntegerType(cursor);
        }
        catch (UnsupportedConstructException e)
        {
            entry.UnboundReason = e.Message;
            Fail(cursor, entry.Key, $"enum '{entry.Key}': {e.Message}");
            return;
        }
        List<CXCursor> members = cursor.Children().Where(c => c.Kind == CXCursorKind.EnumConstantDecl).ToList();
        bool anonymous = entry.Kind == TypeKind.AnonymousEnum;
        IReadOnlyList<string> names = anonymous
            ? members.Select(m => Naming.ConstantName(m.Spelling(), Prefix)).ToList()
            : Naming.EnumMemberNames(entry.Key, members.Select(m => m.Spelling()).ToList());
        var constants = new List<EnumConstant>(members.Count);
        for (int i = 0; i < members.Count; i++)
        {
            CXCursor member = members[i];
            // A named enum's members take the enum's integer type; a constant of an anonymous enum keeps its own
            // C type (int, or wider when its value needs it).
            PrimitiveKind type;
            try
            {
                type = anonymous ? TypeMapper.Primitive(member.Type()) : underlying;
            }
            catch (UnsupportedConstructException e)
            {
                Error(member, $"constant '{member.Spelling()}': {e.Message}");
                continue;
            }
            Int128 value = type.IsSigned()
                ? LibClang.clang_getEnumConstantDeclValue(member)
                : LibClang.clang_getEnumConstantDeclUnsignedValue(member);
            constants.Add(new EnumConstant(member.Spelling(), names[i], type, value, _comments.Comment(member)));
        }
        foreach (IGrouping<string, EnumConstant> duplicate in constants.GroupBy(c => c.Name).Where(g => g.Count() > 1))
        {
            Error(cursor, $"enum '{entry.Key}': {string.Join(" and ", duplicate.Select(c => c.CName))} both map to the C# name '{duplicate.Key}'");
        }
        var decl = new EnumDecl(anonymous ? null : entry.Key, anonymous ? null : entry.CSpelling, anonymous ? null : entry.Name,
            anonymous ? null : _comments.Comment(cursor), underlying, constants);
        entry.Enum = decl;
        entry.Header.Enums.Add(decl);
    }

    /// <summary>
    /// Reads every struct. When unbindable ones are skipped, a struct that fails becomes opaque and the structs are read
    /// again (one that embedded it by value now fails too) until none fails.
    /// </summary>
    private void ReadStructs()
    {
        List<TypeEntry> structs = _entries.Where(t => t.Kind == TypeKind.Struct).ToList();
        while (true)
        {
            bool newlyUnbound = false;
            foreach (TypeEntry entry in structs.Where(e => e.UnboundReason is null))
            {
                var errors = new List<BindingsError>();
                ReadStruct(entry, errors);
                if (errors.Count == 0)
                {
                    continue;
                }
                if (!_options.SkipUnbindable)
                {
                    _errors.AddRange(errors);
                    continue;
                }
                entry.UnboundReason = errors[0].Message;
                newlyUnbound = true;
            }
            if (!newlyUnbound)
            {
                break;
            }
            foreach (TypeEntry entry in structs)
            {
                entry.Struct = null;
            }
            foreach (HeaderModel header in _headers.Values)
            {
                header.Structs.Clear();
            }
        }
        foreach (TypeEntry entry in structs.Where(e => e.UnboundReason is not null))
        {
            entry.Header.Skipped.Add(new SkippedDecl(entry.Key, "bound as an opaque type: " + entry.UnboundReason));
        }
    }

    private void ReadStruct(TypeEntry entry, List<BindingsError> errors)
    {
        void Error(CXCursor at, string message) => errors.Add(ErrorAt(at, message));
        CXCursor cursor = entry.Cursor;
        var fields = new List<FieldDecl>();
        bool failed = false;
        foreach (CXCursor child in cursor.Children())
        {
            if (child.Kind == CXCursorKind.StructDecl && LibClang.clang_Cursor_isAnonymousRecordDecl(child) != 0)
            {
                // C11 anonymous member (`struct { int x; };`): libclang shows the record but no field for it.
                Error(child, $"anonymous struct member in '{entry.Key}' is not bindable: name the member and give its type a typedef");
                failed = true;
                continue;
            }
            if (child.Kind != CXCursorKind.FieldDecl)
            {
                continue;
            }
            string name = child.Spelling();
            string where = $"field '{name}' of '{entry.Key}'";
            if (LibClang.clang_Cursor_isBitField(child) != 0)
            {
                Error(child, $"bit-field {where} is not bindable: use a whole integer and named masks");
                failed = true;
                continue;
            }
            if (name.Length == 0)
            {
                Error(child, $"unnamed field in '{entry.Key}' is not bindable");
                failed = true;
                continue;
            }
            CType type;
            try
            {
                type = _mapper.Map(child.Type(), TypeSite.Field);
            }
            catch (UnsupportedConstructException e)
            {
                Error(child, $"{where}: {e.Message}");
                failed = true;
                continue;
            }
            long offsetBits = LibClang.clang_Cursor_getOffsetOfField(child);
            if (offsetBits < 0 || offsetBits % 8 != 0)
            {
                Error(child, $"{where}: clang reports no byte offset ({offsetBits.ToString(CultureInfo.InvariantCulture)})");
                failed = true;
                continue;
            }
            fields.Add(new FieldDecl(name, Naming.FieldName(name), type, offsetBits / 8, _comments.Comment(child)));
        }
        if (failed)
        {
            return;
        }
        if (fields.Count == 0)
        {
            Error(cursor, $"struct '{entry.Key}' has no fields: empty structs have no portable layout");
            return;
        }
        foreach (IGrouping<string, FieldDecl> duplicate in fields.GroupBy(f => f.Name).Where(g => g.Count() > 1 || g.Key == entry.Name))
        {
            Error(cursor, $"struct '{entry.Key}': {string.Join(" and ", duplicate.Select(f => f.CName))} map to the C# name '{duplicate.Key}', which is taken");
            return;
        }
        CXType type2 = cursor.Type();
        bool packed = cursor.Children().Any(c => c.Kind == CXCursorKind.PackedAttr);
        var decl = new StructDecl(entry.Key, entry.CSpelling, entry.Name, _comments.Comment(cursor),
            type2.SizeOf(), type2.AlignOf(), packed, fields);
        entry.Struct = decl;
        entry.Header.Structs.Add(decl);
    }

    private void ReadFunction(CXCursor cursor)
    {
        string name = cursor.Spelling();
        if (!_functionNames.Add(name))
        {
            return; // redeclaration
        }
        HeaderModel header = HeaderOf(cursor)!;
        CXType type = cursor.Type();
        if (LibClang.clang_Cursor_getStorageClass(cursor) == LibClang.StorageClassStatic)
        {
            header.Skipped.Add(new SkippedDecl(name, "static inline, not exported"));
            return;
        }
        if (type.Kind == CXTypeKind.FunctionNoProto)
        {
            Fail(cursor, name, $"function '{name}' has no prototype: write '{name}(void)'");
            return;
        }
        if (LibClang.clang_Cursor_isVariadic(cursor) != 0)
        {
            // The error raisers (tp_err_set, tp_err_append) are C-only conveniences.
            header.Skipped.Add(new SkippedDecl(name, "variadic"));
            return;
        }
        if (_options.ExportMacro is not null && LibClang.clang_getCursorVisibility(cursor) != LibClang.VisibilityDefault)
        {
            Fail(cursor, name, $"function '{name}' is declared in a public header but not exported: mark it {_options.ExportMacro} (or move it to a private header)");
            return;
        }
        if (LibClang.clang_getFunctionTypeCallingConv(type) != LibClang.CallingConvC)
        {
            Fail(cursor, name, $"function '{name}' does not use the C calling convention");
            return;
        }

        bool suppressGcTransition = false;
        foreach (CXCursor attribute in cursor.Children().Where(c => c.Kind == CXCursorKind.AnnotateAttr))
        {
            string annotation = attribute.Spelling();
            if (annotation == SuppressGcTransitionAnnotation)
            {
                suppressGcTransition = true;
            }
            else if (annotation.StartsWith("tp:", StringComparison.Ordinal))
            {
                Fail(cursor, name, $"function '{name}' has the unknown annotation '{annotation}' (known: {SuppressGcTransitionAnnotation})");
                return;
            }
        }

        bool failed = false;
        CType returnType = VoidType.Instance;
        try
        {
            returnType = _mapper.Map(LibClang.clang_getCursorResultType(cursor), TypeSite.Return);
            _mapper.CheckByValue(returnType, TypeSite.Return);
        }
        catch (UnsupportedConstructException e)
        {
            if (Fail(cursor, name, $"return type of '{name}': {e.Message}"))
            {
                return;
            }
            failed = true;
        }

        int count = LibClang.clang_Cursor_getNumArguments(cursor);
        var parameters = new List<ParameterDecl>(count);
        for (uint i = 0; i < count; i++)
        {
            CXCursor parameter = LibClang.clang_Cursor_getArgument(cursor, i);
            string cName = parameter.Spelling();
            if (cName.Length == 0)
            {
                cName = "arg" + i.ToString(CultureInfo.InvariantCulture);
            }
            try
            {
                CType parameterType = _mapper.Map(parameter.Type(), TypeSite.Parameter);
                _mapper.CheckByValue(parameterType, TypeSite.Parameter);
                parameters.Add(new ParameterDecl(cName, Naming.ParameterName(cName), parameterType));
            }
            catch (UnsupportedConstructException e)
            {
                if (Fail(parameter, name, $"parameter '{cName}' of '{name}': {e.Message}"))
                {
                    return;
                }
                failed = true;
            }
        }
        if (failed)
        {
            return;
        }
        foreach (IGrouping<string, ParameterDecl> duplicate in parameters.GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            Error(cursor, $"function '{name}': parameters {string.Join(" and ", duplicate.Select(p => p.CName))} map to the same C# name '{duplicate.Key}'");
            return;
        }
        SourceLocation at = cursor.Location();
        header.Functions.Add(new FunctionDecl(name, at.Line, at.Column, _comments.Comment(cursor), returnType, parameters, suppressGcTransition));
    }

    private static string Describe(CXCursor cursor)
    {
        string spelling = cursor.Spelling();
        return spelling.Length == 0 || LibClang.clang_Cursor_isAnonymous(cursor) != 0 ? "(anonymous)" : spelling;
    }

    private void Error(CXCursor cursor, string message) => _errors.Add(ErrorAt(cursor, message));

    /// <summary>
    /// A declaration that cannot be bound: an error, or with <see cref="GeneratorOptions.SkipUnbindable"/> a
    /// <c>// Not bound:</c> entry of its header. Returns true when it was skipped.
    /// </summary>
    private bool Fail(CXCursor cursor, string name, string message)
    {
        HeaderModel? header = HeaderOf(cursor);
        if (!_options.SkipUnbindable || header is null)
        {
            Error(cursor, message);
            return false;
        }
        header.Skipped.Add(new SkippedDecl(name, message));
        return true;
    }

    private BindingsError ErrorAt(CXCursor cursor, string message)
    {
        SourceLocation at = cursor.Location();
        HeaderModel? header = HeaderOf(cursor);
        string file = header?.DisplayPath ?? at.File;
        return new BindingsError(file, at.Line, at.Column, message);
    }
}
