using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Shm;

/// <summary>
/// How the driver creates region files (driver spec §3, §17; wire spec §15.21a): where (base dir, namespace, the
/// effective user), with which modes, prefault and mlock. Read once from the options at start.
/// </summary>
internal sealed record ShmPolicy(string BaseDir, string Namespace, uint FileMode, uint DirMode, bool Prefault, bool Mlock,
    bool RequireHugepagesByDefault)
{
    public static ShmPolicy From(DriverOptions options)
    {
        if (!PermissionsMode.TryParse(options.PermissionsMode, out uint fileMode, out uint dirMode, out string error))
        {
            throw new DriverConfigurationException("shm.permissions_mode", options.PermissionsMode, error, options.OriginOf("shm.permissions_mode"));
        }
        return new ShmPolicy(options.ShmBaseDir, options.Namespace, fileMode, dirMode, options.PrefaultShm, options.MlockShm,
            options.RequireHugepages);
    }
}
