using TensorPool.Discovery.Configuration;

namespace TensorPool.Driver.Configuration;

/// <summary>The rules of the embedded discovery provider's settings, reported as driver configuration errors.</summary>
internal static class DiscoveryValidation
{
    public static void Validate(DriverOptions o)
    {
        if (o.Discovery is null)
        {
            throw new DriverConfigurationException("discovery", null, "must be set (new EmbeddedDiscoveryOptions() is the default)", o.SourceName);
        }
        if (!o.Discovery.Enabled)
        {
            return;
        }
        try
        {
            ProviderOptions(o).Validate("discovery", o.SourceName);
        }
        catch (DiscoveryConfigurationException e)
        {
            throw new DriverConfigurationException(e.Key, e.Value, e.Rule, e.Origin);
        }
        if (Identity(o).Problem() is { } problem)
        {
            throw new DriverConfigurationException("driver.instance_id", o.InstanceId, problem, o.OriginOf("driver.instance_id"));
        }
        if (o.Discovery.MetadataStreamId == 0)
        {
            throw new DriverConfigurationException("discovery.metadata_stream_id", "0", "must not be 0", o.SourceName);
        }
    }

    /// <summary>The provider's options: the driver's own announce period (expiry is 3 × it unless set, §6.2).</summary>
    public static DiscoveryProviderOptions ProviderOptions(DriverOptions o)
    {
        DiscoveryProviderOptions p = o.Discovery.Provider.Clone();
        p.AnnouncePeriodMs = o.AnnouncePeriodMs;
        return p;
    }

    /// <summary>The authority results name (§5.2, §6.4: from the driver's configuration).</summary>
    public static DriverIdentity Identity(DriverOptions o) => new(o.InstanceId, o.ControlChannel, o.ControlStreamId);
}
