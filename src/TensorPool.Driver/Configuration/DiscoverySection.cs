using TensorPool.Discovery.Configuration.Internal;
using Tomlyn.Model;
using TensorPool.Discovery.Configuration;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// The driver file's discovery keys, read by the discovery library (one reader for its keys) with its errors turned
/// into driver configuration errors: <c>[discovery]</c> (the embedded provider) and <c>[streams.*] tags</c>.
/// </summary>
internal static class DiscoverySection
{
    public static EmbeddedDiscoveryOptions Read(TomlTable? table, string source)
    {
        try
        {
            return DiscoveryConfigReader.ReadEmbedded(table, source);
        }
        catch (DiscoveryConfigurationException e)
        {
            throw new DriverConfigurationException(e.Key, e.Value, e.Rule, e.Origin);
        }
    }

    public static IReadOnlyList<string> Tags(List<string> tags, string key, string source)
    {
        try
        {
            return DiscoveryConfigReader.CheckTags(tags, key, source);
        }
        catch (DiscoveryConfigurationException e)
        {
            throw new DriverConfigurationException(e.Key, e.Value, e.Rule, e.Origin);
        }
    }
}
