using System.Runtime.InteropServices;
using System.Text;

namespace TensorPool.BindingsGen.Clang;

/// <summary>
/// One libclang parse of an in-memory C file that includes every bound header. Parse errors become a
/// <see cref="BindingsException"/> listing clang's diagnostics.
/// </summary>
internal sealed unsafe class TranslationUnit : IDisposable
{
    /// <summary>The in-memory file that includes the headers (diagnostics in it name this path).</summary>
    public const string MainFileName = "/tensorpool-bindings-main.c";

    private nint _index;
    private nint _unit;

    private TranslationUnit(nint index, nint unit)
    {
        _index = index;
        _unit = unit;
    }

    public CXCursor Cursor => LibClang.clang_getTranslationUnitCursor(_unit);

    /// <summary>The CXTranslationUnit, for calls such as clang_tokenize.</summary>
    public nint Handle => _unit;

    /// <summary>Lines of the main file (1-based) with the first error on each, when parsed with errors tolerated.</summary>
    public Dictionary<int, string> MainFileErrors { get; } = [];

    /// <summary>
    /// Parses <paramref name="headers"/> (absolute paths) with the given compiler arguments; <paramref name="mainSuffix"/>
    /// is appended to the main file after the includes. Errors fail the parse, except errors in the main file itself when
    /// <paramref name="tolerateMainFileErrors"/> (they are listed in <see cref="MainFileErrors"/>).
    /// </summary>
    public static TranslationUnit Parse(IReadOnlyList<string> headers, IReadOnlyList<string> arguments,
        uint flags = LibClang.TranslationUnitSkipFunctionBodies, string mainSuffix = "", bool tolerateMainFileErrors = false)
    {
        var main = new StringBuilder();
        foreach (string header in headers)
        {
            main.Append("#include \"").Append(header).Append("\"\n");
        }
        main.Append(mainSuffix);

        nint index = LibClang.clang_createIndex(0, 0);
        var allocations = new List<nint>();
        try
        {
            nint Utf8(string s)
            {
                nint p = Marshal.StringToCoTaskMemUTF8(s);
                allocations.Add(p);
                return p;
            }

            nint[] argv = arguments.Select(Utf8).ToArray();
            byte[] contents = Encoding.UTF8.GetBytes(main.ToString());
            nint unit;
            int rc;
            fixed (nint* args = argv)
            fixed (byte* text = contents)
            {
                var unsaved = new CXUnsavedFile
                {
                    Filename = (byte*)Utf8(MainFileName),
                    Contents = text,
                    Length = (nuint)contents.Length,
                };
                rc = LibClang.clang_parseTranslationUnit2(index, (byte*)Utf8(MainFileName), (byte**)args, argv.Length,
                    &unsaved, 1, flags, &unit);
            }
            if (rc != 0 || unit == 0)
            {
                throw new BindingsException($"libclang could not parse the headers (CXErrorCode {rc}); arguments: {string.Join(' ', arguments)}");
            }
            var result = new TranslationUnit(index, unit);
            index = 0;
            result.ThrowOnErrors(tolerateMainFileErrors);
            return result;
        }
        finally
        {
            foreach (nint p in allocations)
            {
                Marshal.FreeCoTaskMem(p);
            }
            if (index != 0)
            {
                LibClang.clang_disposeIndex(index);
            }
        }
    }

    private void ThrowOnErrors(bool tolerateMainFileErrors)
    {
        var errors = new List<string>();
        uint count = LibClang.clang_getNumDiagnostics(_unit);
        for (uint i = 0; i < count; i++)
        {
            nint diagnostic = LibClang.clang_getDiagnostic(_unit, i);
            try
            {
                if (LibClang.clang_getDiagnosticSeverity(diagnostic) >= LibClang.DiagnosticError)
                {
                    SourceLocation at = CursorExtensions.Resolve(LibClang.clang_getDiagnosticLocation(diagnostic));
                    if (tolerateMainFileErrors && at.File == MainFileName)
                    {
                        MainFileErrors.TryAdd(at.Line, LibClang.Take(LibClang.clang_getDiagnosticSpelling(diagnostic)));
                        continue;
                    }
                    errors.Add(LibClang.Take(LibClang.clang_formatDiagnostic(diagnostic,
                        LibClang.DiagnosticDisplaySourceLocation | LibClang.DiagnosticDisplayColumn | LibClang.DiagnosticDisplayOption)));
                }
            }
            finally
            {
                LibClang.clang_disposeDiagnostic(diagnostic);
            }
        }
        if (errors.Count > 0)
        {
            Dispose();
            throw new BindingsException("clang could not compile the headers:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    public void Dispose()
    {
        if (_unit != 0)
        {
            LibClang.clang_disposeTranslationUnit(_unit);
            _unit = 0;
        }
        if (_index != 0)
        {
            LibClang.clang_disposeIndex(_index);
            _index = 0;
        }
    }
}
