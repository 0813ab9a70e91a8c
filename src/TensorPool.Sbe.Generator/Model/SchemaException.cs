using System;

namespace TensorPool.Sbe.Generator.Model;

/// <summary>A schema the generator cannot turn into codecs; the message names the element and the rule.</summary>
internal sealed class SchemaException : Exception
{
    public SchemaException(string message)
        : base(message)
    {
    }

    public SchemaException()
    {
    }

    public SchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
