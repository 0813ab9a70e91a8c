using System.Globalization;

namespace TensorPool.JoinBarrier;

/// <summary>What a MergeMap is scoped to: the output stream and its epoch (JoinBarrier spec §6.1, §6.4).</summary>
public readonly record struct MergeMapKey(uint OutStreamId, ulong Epoch)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"out_stream_id={OutStreamId} epoch={Epoch}");
}
