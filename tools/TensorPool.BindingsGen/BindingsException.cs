namespace TensorPool.BindingsGen;

/// <summary>Generation failed: the headers hold constructs that cannot be bound, or clang could not parse them.</summary>
public sealed class BindingsException : Exception
{
    public BindingsException(IReadOnlyList<BindingsError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    public BindingsException(string message)
        : base(message)
    {
        Errors = [];
    }

    public BindingsException(string message, Exception inner)
        : base(message, inner)
    {
        Errors = [];
    }

    public BindingsException()
        : this("bindings generation failed")
    {
    }

    /// <summary>Each refused construct (empty when the failure is not tied to a declaration).</summary>
    public IReadOnlyList<BindingsError> Errors { get; }
}
