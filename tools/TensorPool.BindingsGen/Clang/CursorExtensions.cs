using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorPool.BindingsGen.Clang;

/// <summary>Convenience accessors over libclang cursors and types.</summary>
internal static unsafe class CursorExtensions
{
    public static string Spelling(this CXCursor cursor) => LibClang.Take(LibClang.clang_getCursorSpelling(cursor));

    public static string Usr(this CXCursor cursor) => LibClang.Take(LibClang.clang_getCursorUSR(cursor));

    public static CXType Type(this CXCursor cursor) => LibClang.clang_getCursorType(cursor);

    public static bool IsNull(this CXCursor cursor) => LibClang.clang_Cursor_isNull(cursor) != 0;

    public static bool IsDefinition(this CXCursor cursor) => LibClang.clang_isCursorDefinition(cursor) != 0;

    public static SourceLocation Location(this CXCursor cursor) => Resolve(LibClang.clang_getCursorLocation(cursor));

    /// <summary>Start and end of the declaration's source text.</summary>
    public static (SourceLocation Start, SourceLocation End) Extent(this CXCursor cursor) => Resolve(LibClang.clang_getCursorExtent(cursor));

    /// <summary>Start and end of the comment clang attached to the declaration.</summary>
    public static (SourceLocation Start, SourceLocation End) CommentExtent(this CXCursor cursor) =>
        Resolve(LibClang.clang_Cursor_getCommentRange(cursor));

    private static (SourceLocation Start, SourceLocation End) Resolve(CXSourceRange range) =>
        (Resolve(LibClang.clang_getRangeStart(range)), Resolve(LibClang.clang_getRangeEnd(range)));

    public static SourceLocation Resolve(CXSourceLocation location)
    {
        nint file;
        uint line, column, offset;
        LibClang.clang_getExpansionLocation(location, &file, &line, &column, &offset);
        string path = file == 0 ? string.Empty : LibClang.Take(LibClang.clang_getFileName(file));
        return new SourceLocation(path, (int)line, (int)column);
    }

    /// <summary>The comment attached to a declaration (clang is run with -fparse-all-comments), or "".</summary>
    public static string RawComment(this CXCursor cursor) =>
        LibClang.Take(LibClang.clang_Cursor_getRawCommentText(cursor));

    /// <summary>The direct children of a cursor, in source order.</summary>
    public static List<CXCursor> Children(this CXCursor cursor)
    {
        var children = new List<CXCursor>();
        GCHandle handle = GCHandle.Alloc(children);
        try
        {
            _ = LibClang.clang_visitChildren(cursor, &CollectChild, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        return children;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CollectChild(CXCursor cursor, CXCursor parent, nint clientData)
    {
        var children = (List<CXCursor>)GCHandle.FromIntPtr(clientData).Target!;
        children.Add(cursor);
        return LibClang.ChildVisitContinue;
    }

    public static string Spelling(this CXType type) => LibClang.Take(LibClang.clang_getTypeSpelling(type));

    public static CXType Canonical(this CXType type) => LibClang.clang_getCanonicalType(type);

    public static CXCursor Declaration(this CXType type) => LibClang.clang_getTypeDeclaration(type);

    public static bool IsConst(this CXType type) => LibClang.clang_isConstQualifiedType(type) != 0;

    public static long SizeOf(this CXType type) => LibClang.clang_Type_getSizeOf(type);

    public static long AlignOf(this CXType type) => LibClang.clang_Type_getAlignOf(type);
}
