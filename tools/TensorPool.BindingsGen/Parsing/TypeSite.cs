namespace TensorPool.BindingsGen.Parsing;

/// <summary>Where a type is used; some types are legal only in some places.</summary>
internal enum TypeSite
{
    Field,
    Parameter,
    Return,
    Pointee,
}
