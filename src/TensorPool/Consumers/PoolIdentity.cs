namespace TensorPool.Consumers;

/// <summary>What an announce said about one payload pool, kept to recognise the same layout in later announces.</summary>
internal sealed class PoolIdentity(ushort poolId, uint nslots, uint strideBytes, byte[] regionUri)
{
    public ushort PoolId { get; } = poolId;

    public uint Nslots { get; } = nslots;

    public uint StrideBytes { get; } = strideBytes;

    public byte[] RegionUri { get; } = regionUri;

    public bool Matches(ushort poolId, uint nslots, uint strideBytes, ReadOnlySpan<byte> regionUri) =>
        poolId == PoolId && nslots == Nslots && strideBytes == StrideBytes && regionUri.SequenceEqual(RegionUri);
}
