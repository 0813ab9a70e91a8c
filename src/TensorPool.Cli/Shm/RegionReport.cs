using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>What <c>tp shm inspect</c> found in a file before its slots: kind, superblock, geometry, verdict.</summary>
internal sealed record RegionReport
{
    /// <summary>The path as given on the command line.</summary>
    public required string Path { get; init; }

    public required ulong FileBytes { get; init; }

    public required RegionKind Kind { get; init; }

    /// <summary>Null when the file is a valid region (or a valid superblock or slot); else the one-line diagnosis.</summary>
    public string? Diagnosis { get; init; }

    /// <summary>The tp_error_t name behind <see cref="Diagnosis"/> (TP_ERR_NSLOTS, TP_ERR_SIZE, ...).</summary>
    public string? DiagnosisCode { get; init; }

    public bool Valid => Diagnosis is null;

    /// <summary>The superblock, read by the native core (absent for a bare slot).</summary>
    public TpSuperblock? Superblock { get; init; }

    /// <summary>Where the slots are, when the superblock passes its checks.</summary>
    public RegionGeometry? Geometry { get; init; }
}
