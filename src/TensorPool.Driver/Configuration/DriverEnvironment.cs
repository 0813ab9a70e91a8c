using System.Collections;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// Environment-variable overrides of driver spec §17, Aeron's convention: upper-case the key and replace <c>.</c>
/// with <c>_</c> (<c>driver.control_stream_id</c> → <c>DRIVER_CONTROL_STREAM_ID</c>); profile and stream keys use
/// their name (<c>profiles.camera.header_nslots</c> → <c>PROFILES_CAMERA_HEADER_NSLOTS</c>, a <c>-</c> in a name
/// becomes <c>_</c>). Lists are comma-separated (<c>"20000-20999,30000-30999"</c>, <c>"/dev/shm,/mnt/huge"</c>).
/// A variable that is set overrides the file, even when empty.
/// </summary>
public static class DriverEnvironment
{
    /// <summary>The variable that overrides <paramref name="key"/>.</summary>
    public static string VariableFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ToUpperInvariant().Replace('.', '_').Replace('-', '_');
    }

    /// <summary>A snapshot of the process environment.</summary>
    public static IReadOnlyDictionary<string, string> Process()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v)
            {
                map[k] = v;
            }
        }
        return map;
    }
}
