namespace TensorPool.Driver.Configuration;

/// <summary>
/// A profile (<c>[profiles.&lt;name&gt;]</c>, §17): the SHM sizing of the streams that use it — the header ring's
/// power-of-two slot count and the payload pools, each with that same slot count (wire spec §15.5).
/// </summary>
public sealed class ProfileDefinition
{
    /// <summary>Default of <c>profiles.&lt;name&gt;.header_nslots</c> (§17).</summary>
    public const uint DefaultHeaderNslots = 1024;

    public ProfileDefinition(string name, uint headerNslots, IEnumerable<PayloadPoolDefinition> payloadPools)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(payloadPools);
        Name = name;
        HeaderNslots = headerNslots;
        PayloadPools = [.. payloadPools];
    }

    public string Name { get; }

    public uint HeaderNslots { get; }

    public IReadOnlyList<PayloadPoolDefinition> PayloadPools { get; }
}
