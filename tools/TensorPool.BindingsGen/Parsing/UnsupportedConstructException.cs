namespace TensorPool.BindingsGen.Parsing;

/// <summary>Thrown inside the reader when a type cannot be bound; the caller adds the declaration's location.</summary>
internal sealed class UnsupportedConstructException(string message) : Exception(message);
