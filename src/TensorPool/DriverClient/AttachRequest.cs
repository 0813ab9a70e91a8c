using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>
/// What a client asks the driver for (ShmAttachRequest, driver spec §4.3): a stream (0 asks the driver to allocate a
/// dynamic one, §11), a role, and the optional constraints.
/// </summary>
public sealed record AttachRequest(uint StreamId, Role Role)
{
    /// <summary>REQUIRE_EXISTING refuses a stream the driver has not provisioned; EXISTING_OR_CREATE may create it (§4.3).</summary>
    public PublishMode PublishMode { get; init; } = PublishMode.ExistingOrCreate;

    /// <summary>The page policy the regions must meet; UNSPECIFIED takes the driver's default (§4.3).</summary>
    public HugepagesPolicy RequireHugepages { get; init; } = HugepagesPolicy.Unspecified;

    /// <summary>The SHM layout version expected, 0 for "whatever the driver uses" (§4.3).</summary>
    public uint ExpectedLayoutVersion { get; init; }

    /// <summary>A TraceLink node id to ask for (§4.2); null lets the driver choose.</summary>
    public uint? DesiredNodeId { get; init; }

    /// <summary>The client id; 0 picks a random non-zero one, replaced when the driver reports a collision (Appendix B.2).</summary>
    public uint ClientId { get; init; }
}
