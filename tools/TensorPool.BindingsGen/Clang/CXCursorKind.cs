namespace TensorPool.BindingsGen.Clang;

/// <summary>The subset of libclang's <c>enum CXCursorKind</c> the generator looks at (values are libclang's stable ABI).</summary>
internal enum CXCursorKind
{
    StructDecl = 2,
    UnionDecl = 3,
    EnumDecl = 5,
    FieldDecl = 6,
    EnumConstantDecl = 7,
    FunctionDecl = 8,
    VarDecl = 9,
    TypedefDecl = 20,
    CompoundStmt = 202,
    DeclStmt = 231,
    MacroDefinition = 501,
    AnnotateAttr = 406,
    PackedAttr = 408,
}
