using TensorPool.JoinBarrier;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>A validator that accepts every frame except those listed, and counts its calls.</summary>
internal sealed class ScriptedValidator : IJoinFrameValidator
{
    private readonly HashSet<(uint Stream, ulong Seq)> _invalid = [];

    public int Calls { get; private set; }

    public List<(uint Stream, ulong Epoch, ulong Seq)> Seen { get; } = [];

    public ScriptedValidator Invalid(uint stream, ulong seq)
    {
        _invalid.Add((stream, seq));
        return this;
    }

    public bool Validate(uint streamId, ulong epoch, ulong seq)
    {
        Calls++;
        Seen.Add((streamId, epoch, seq));
        return !_invalid.Contains((streamId, seq));
    }
}

/// <summary>Accepts everything, allocation-free.</summary>
internal struct AcceptAll : IJoinFrameValidator
{
    public readonly bool Validate(uint streamId, ulong epoch, ulong seq) => true;
}
