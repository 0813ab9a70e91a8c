namespace TensorPool.Cli.Shm;

/// <summary>What an inspected file holds.</summary>
internal enum RegionKind
{
    /// <summary>A header ring: superblock and nslots 256-byte slots (§8).</summary>
    HeaderRing,

    /// <summary>A payload pool: superblock and nslots slots of stride_bytes (§9).</summary>
    PayloadPool,

    /// <summary>Exactly the 64 bytes of a superblock (§7.1) and nothing else, e.g. a saved copy.</summary>
    Superblock,

    /// <summary>One bare 256-byte header slot (§8.2), no superblock in front: the index it came from is unknown.</summary>
    HeaderSlot,
}
