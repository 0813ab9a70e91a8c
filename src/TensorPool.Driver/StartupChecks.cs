using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using TensorPool.Driver.Claims;
using TensorPool.Driver.Configuration;
using TensorPool.Driver.Shm;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Transport;

namespace TensorPool.Driver;

/// <summary>
/// Everything start-up would refuse, checked without creating anything (D174): the validated options, the
/// permissions mode, the allowed base dirs, whether the namespace directory can be created inside them, the
/// channels the transport must accept, and whether another driver already holds the namespace or the control
/// stream. <c>tp driver --check</c> runs exactly this; <see cref="TensorPoolDriver.Start"/> runs it first too, so the
/// two never disagree.
/// </summary>
internal static unsafe class StartupChecks
{
    /// <exception cref="DriverConfigurationException">A key's value cannot be used.</exception>
    /// <exception cref="DriverAlreadyRunningException">A live driver holds the namespace or the control stream.</exception>
    public static void Run(DriverOptions options)
    {
        options.Validate();
        ShmPolicy shm = ShmPolicy.From(options);
        using PathPolicyHandle allowed = TensorPoolDriver.CreateAllowedDirs(options);
        string nsDir = ShmPaths.NamespaceDir(shm);
        CheckCreatable(options, options.ShmBaseDir, nsDir);
        CheckContained(options, nsDir, allowed);
        string? controlLog = CheckChannels(options);
        CheckNotClaimed(Path.Combine(nsDir, TensorPoolDriver.ClaimFileName), "namespace " + nsDir);
        if (controlLog is not null)
        {
            CheckNotClaimed(Path.ChangeExtension(controlLog, TensorPoolDriver.ControlClaimExtension),
                $"control stream {options.ControlChannel}:{options.ControlStreamId}");
        }
    }

    /// <summary>
    /// The base dir exists as a directory, or its parent does and is writable (it is created 01777); every existing
    /// level below it is a real directory owned by this user (the creation walk refuses symlinks and other owners);
    /// the first missing level's parent is writable.
    /// </summary>
    private static void CheckCreatable(DriverOptions options, string baseDir, string nsDir)
    {
        [DoesNotReturn]
        void Fail(string why) => throw new DriverConfigurationException("shm.base_dir", options.ShmBaseDir, "cannot be used: " + why,
            options.OriginOf("shm.base_dir"));

        string trimmed = baseDir.Length > 1 ? baseDir.TrimEnd('/') : baseDir;
        if (File.Exists(trimmed))
        {
            Fail($"{trimmed} is not a directory");
        }
        if (!Directory.Exists(trimmed))
        {
            string? parent = Path.GetDirectoryName(trimmed);
            if (parent is null || !Directory.Exists(parent))
            {
                Fail($"neither {trimmed} nor its parent {parent} exists");
            }
            if (!CanWriteInto(parent))
            {
                Fail($"{trimmed} does not exist and its parent {parent} is not writable by this user");
            }
            return; // nothing below a missing base dir exists yet
        }
        string current = trimmed;
        foreach (string part in Path.GetRelativePath(trimmed, nsDir).Split('/'))
        {
            string next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                Fail($"{next} is a symlink (never followed)");
            }
            if (!Directory.Exists(next))
            {
                if (File.Exists(next))
                {
                    Fail($"{next} is not a directory");
                }
                if (!CanWriteInto(current))
                {
                    Fail($"{next} does not exist and {current} is not writable by this user");
                }
                return;
            }
            if (Stat.OwnerOf(next) is uint owner && owner != Stat.EffectiveUid)
            {
                Fail($"{next} belongs to uid {owner}, not to this user (uid {Stat.EffectiveUid})");
            }
            current = next;
        }
    }

    /// <summary>The namespace directory, canonicalised as far as it exists, lies inside shm.allowed_base_dirs (driver spec §9).</summary>
    private static void CheckContained(DriverOptions options, string nsDir, PathPolicyHandle allowed)
    {
        TpPathPolicy* raw;
        NativeError.Check(NativeMethods.tp_path_policy_create(&raw), "creating a path policy");
        using var probe = new PathPolicyHandle();
        probe.Adopt(raw);
        string canonical;
        using (NativeHandleLease<TpPathPolicy> lease = probe.Lease())
        {
            // Adding a dir canonicalises its longest existing prefix and appends the rest, as start-up will see it.
            int rc = NativeMethods.tp_path_policy_add_base_dir(lease.Pointer, nsDir);
            if (rc < 0)
            {
                throw new DriverConfigurationException("shm.base_dir", options.ShmBaseDir,
                    "cannot be used: " + NativeError.Create(rc, $"resolving {nsDir}").Message, options.OriginOf("shm.base_dir"));
            }
            canonical = Marshal.PtrToStringUTF8((nint)NativeMethods.tp_path_policy_base_dir(lease.Pointer, 0)) ?? nsDir;
        }
        using NativeHandleLease<TpPathPolicy> allowedLease = allowed.Lease();
        uint count = NativeMethods.tp_path_policy_base_dir_count(allowedLease.Pointer);
        for (uint i = 0; i < count; i++)
        {
            string dir = Marshal.PtrToStringUTF8((nint)NativeMethods.tp_path_policy_base_dir(allowedLease.Pointer, i)) ?? "";
            if (canonical.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                return;
            }
        }
        throw new DriverConfigurationException("shm.base_dir", options.ShmBaseDir,
            $"resolves outside shm.allowed_base_dirs ({nsDir} is {canonical})", options.OriginOf("shm.base_dir"));
    }

    /// <summary>
    /// The channels start-up opens are ones the transport accepts: the control channel's scheme chooses the transport
    /// (tp:ipc built in, aeron: when TensorPool.Transport.Aeron is present), which checks the control, announce and
    /// discovery metadata channels and its own prerequisites (for Aeron: libaeron loads, the Aeron directory is usable);
    /// tp:ipc log paths must be usable. Returns the control stream's tp:ipc log path (null for another transport).
    /// </summary>
    private static string? CheckChannels(DriverOptions options)
    {
        if (options.Transport is not null)
        {
            return (options.Transport as TpIpcTransport)?.GetLogPath(options.ControlChannel, (int)options.ControlStreamId);
        }
        var channels = new List<(string Key, string Channel, uint StreamId)>
        {
            ("driver.control_channel", options.ControlChannel, options.ControlStreamId),
            ("driver.announce_channel", options.EffectiveAnnounceChannel, options.EffectiveAnnounceStreamId),
        };
        if (options.Discovery.Enabled)
        {
            channels.Add(("discovery.metadata_channel", options.Discovery.MetadataChannel ?? options.ControlChannel,
                options.Discovery.MetadataStreamId));
        }
        TransportSettings settings = TensorPoolDriver.TransportSettingsOf(options);
        TpIpcTransport? ipc = null;
        string? controlLog = null;
        try
        {
            foreach ((string key, string channel, uint streamId) in channels)
            {
                string? why = TransportProviders.Check(channel, settings);
                if (why is not null)
                {
                    throw new DriverConfigurationException(key, channel, why, options.OriginOf(key));
                }
                // Every channel has the control channel's scheme (DriverOptions.Validate: one transport).
                string scheme = ChannelUri.Parse(channel).Scheme;
                if (scheme == "tp") // the built-in tp:ipc transport: its log paths must be usable
                {
                    ipc ??= new TpIpcTransport(new TpIpcOptions { BaseDir = options.IpcBaseDir, Namespace = options.Namespace });
                    string path = LogPath(ipc, options, key, channel, streamId);
                    controlLog ??= path;
                }
            }
        }
        finally
        {
            ipc?.Dispose();
        }
        return controlLog;
    }

    private static string LogPath(TpIpcTransport transport, DriverOptions options, string key, string channel, uint streamId)
    {
        try
        {
            return transport.GetLogPath(channel, (int)streamId);
        }
        catch (ArgumentException e)
        {
            throw new DriverConfigurationException(key, channel, e.Message, options.OriginOf(key));
        }
    }

    private static void CheckNotClaimed(string path, string what)
    {
        if (File.Exists(path))
        {
            DriverClaim.Probe(path, what);
        }
    }

    private static bool CanWriteInto(string dir) => Stat.Access(dir, Stat.WriteOk | Stat.ExecuteOk);
}
