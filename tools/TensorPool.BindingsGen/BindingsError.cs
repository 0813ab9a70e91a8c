namespace TensorPool.BindingsGen;

/// <summary>
/// A construct the generator refuses to bind, with where it is. Printed compiler-style:
/// <c>native/include/tensorpool/x.h:12:5: error: union 'tp_u': unions are not bindable ...</c>.
/// </summary>
public sealed record BindingsError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: error: {Message}";
}
