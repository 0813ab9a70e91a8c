namespace TensorPool.Fuzz;

/// <summary>A broken invariant (two decoders disagree, a round trip changes a value, a length leaves the buffer).</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
