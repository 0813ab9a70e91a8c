namespace TensorPool.Control;

/// <summary>A meta blob received whole (wire spec §10.3.3): every byte, in order, checksum verified when one was sent.</summary>
public sealed record MetaBlob(uint StreamId, uint MetaVersion, uint BlobType, byte[] Bytes, bool ChecksumVerified);
