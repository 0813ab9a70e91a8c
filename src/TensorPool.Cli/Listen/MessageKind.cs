namespace TensorPool.Cli.Listen;

/// <summary>What <c>tp listen</c> made of one message's bytes.</summary>
internal enum MessageKind
{
    /// <summary>A message of a known schema and template, decoded whole.</summary>
    Decoded,

    /// <summary>A readable header naming a schema or template this build does not know: shown as hex with its header.</summary>
    Unknown,

    /// <summary>Bytes a known schema rejects (truncated, lengths beyond the buffer, trailing bytes) or too short for a header.</summary>
    Invalid,
}
