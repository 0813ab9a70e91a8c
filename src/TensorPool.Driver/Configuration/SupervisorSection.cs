using TensorPool.Supervisor.Configuration.Internal;
using Tomlyn.Model;
using TensorPool.Supervisor.Configuration;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// The driver file's <c>[supervisor]</c> section, read by the supervisor library (one reader for its keys, the
/// reference's as they are) with its errors turned into driver configuration errors.
/// </summary>
internal static class SupervisorSection
{
    public static SupervisorOptions? Read(TomlTable? table, string source)
    {
        if (table is null)
        {
            return null;
        }
        try
        {
            return SupervisorConfigReader.ReadSection(table, source);
        }
        catch (SupervisorConfigurationException e)
        {
            throw new DriverConfigurationException(e.Key, e.Value, e.Rule, e.Origin);
        }
    }

    public static void Validate(DriverOptions o)
    {
        try
        {
            o.Supervisor?.Validate();
        }
        catch (SupervisorConfigurationException e)
        {
            throw new DriverConfigurationException(e.Key, e.Value, e.Rule, e.Origin);
        }
    }
}
