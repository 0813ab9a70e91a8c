namespace TensorPool.Fuzz;

/// <summary>One decoder under test: its seeds, and one run over an input that throws only on a finding.</summary>
internal interface IFuzzTarget
{
    /// <summary>The name on the command line and in reports (<c>sbe-wire</c>).</summary>
    string Name { get; }

    /// <summary>Inputs that pass the first checks, built by the project's own code (never copied from elsewhere).</summary>
    IEnumerable<byte[]> Seeds(Random random);

    /// <summary>A fresh structurally valid input (a random message of the schema), or null when the target has none.</summary>
    byte[]? Generate(Random random);

    /// <summary>
    /// Decode <paramref name="input"/> as the product does. Returns a short signature of the outcome (accepted, or the
    /// reject reason) that steers the corpus; throws <see cref="FuzzFindingException"/> when an invariant breaks. Any other
    /// exception is a finding too: decoders of hostile input never throw.
    /// </summary>
    string Run(byte[] input);
}
