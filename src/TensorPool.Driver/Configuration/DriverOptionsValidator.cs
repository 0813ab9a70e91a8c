using System.Globalization;
using TensorPool.Transport;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// The rules a driver configuration must satisfy before anything is created (driver spec §11, §17; wire spec
/// §15.5, §15.18, §15.21a, §15.22). Each failure names the key, the value and the rule.
/// </summary>
internal static class DriverOptionsValidator
{
    /// <summary>The largest header ring accepted: 2^24 slots (a 4 GiB ring); larger is certainly a typo.</summary>
    public const uint MaxHeaderNslots = 1u << 24;

    /// <summary>Announces at least once a minute: consumers judge freshness by 3 periods (§10.1.1).</summary>
    public const uint MaxAnnouncePeriodMs = 60_000;

    /// <summary>A keepalive at least once an hour.</summary>
    public const uint MaxLeaseKeepaliveIntervalMs = 3_600_000;

    /// <summary>At most a thousand missed keepalives before expiry.</summary>
    public const uint MaxLeaseExpiryGraceIntervals = 1000;

    /// <summary>A lease lives at most 24 h without a keepalive (interval × grace intervals, §4.4).</summary>
    public const ulong MaxLeaseExpiryMs = 86_400_000;

    /// <summary>A drained shutdown waits at most an hour (§4.13).</summary>
    public const uint MaxShutdownTimeoutMs = 3_600_000;

    /// <summary>A released node id waits at most 24 h before reuse.</summary>
    public const uint MaxNodeIdReuseCooldownMs = 86_400_000;

    /// <summary>An epoch directory is kept at most a year by age alone.</summary>
    public const ulong MaxEpochGcMinAgeNs = 365UL * 86_400 * 1_000_000_000;

    public static void Validate(DriverOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        CheckText(o, "driver.instance_id", o.InstanceId, maxLength: 256);
        CheckChannel(o, "driver.control_channel", o.ControlChannel);
        CheckStreamId(o, "driver.control_stream_id", o.ControlStreamId);
        if (o.AnnounceChannel is not null)
        {
            CheckChannel(o, "driver.announce_channel", o.AnnounceChannel);
        }
        if (o.AnnounceStreamId is { } announce)
        {
            CheckStreamId(o, "driver.announce_stream_id", announce);
        }
        CheckChannel(o, "driver.qos_channel", o.QosChannel);
        CheckStreamId(o, "driver.qos_stream_id", o.QosStreamId);
        CheckOneTransport(o);
        if (o.AeronDir is null || o.AeronDir.Any(char.IsControl))
        {
            throw Fail(o, "driver.aeron_dir", o.AeronDir, "must be a string without control characters (empty: Aeron's default)");
        }
        CheckAbsoluteDir(o, "driver.ipc_base_dir", o.IpcBaseDir);

        CheckAbsoluteDir(o, "shm.base_dir", o.ShmBaseDir);
        if (string.IsNullOrEmpty(o.Namespace) || o.Namespace.Length > 255 || o.Namespace[0] == '.' ||
            !o.Namespace.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw Fail(o, "shm.namespace", o.Namespace, "must be 1 to 255 of [A-Za-z0-9._-], not starting with '.' (wire spec §15.21a.3)");
        }
        if (o.PageSizeBytes < 4096 || (o.PageSizeBytes & (o.PageSizeBytes - 1)) != 0)
        {
            throw Fail(o, "shm.page_size_bytes", Num(o.PageSizeBytes), "must be a power of two of at least 4096");
        }
        if (!PermissionsMode.TryParse(o.PermissionsMode ?? "", out _, out _, out string modeError))
        {
            throw Fail(o, "shm.permissions_mode", o.PermissionsMode, modeError);
        }
        foreach (string dir in o.AllowedBaseDirs)
        {
            CheckAbsoluteDir(o, "shm.allowed_base_dirs", dir);
        }
        if (!o.EffectiveAllowedBaseDirs.Any(d => IsUnder(o.ShmBaseDir, d)))
        {
            throw Fail(o, "shm.base_dir", o.ShmBaseDir,
                $"must lie inside one of shm.allowed_base_dirs [{string.Join(", ", o.EffectiveAllowedBaseDirs)}] (driver spec §9)");
        }

        // Every duration is bounded so that no product of them overflows the nanosecond clock (D172).
        Bounded(o, "policies.announce_period_ms", o.AnnouncePeriodMs, MaxAnnouncePeriodMs);
        Bounded(o, "policies.lease_keepalive_interval_ms", o.LeaseKeepaliveIntervalMs, MaxLeaseKeepaliveIntervalMs);
        Bounded(o, "policies.lease_expiry_grace_intervals", o.LeaseExpiryGraceIntervals, MaxLeaseExpiryGraceIntervals);
        if ((ulong)o.LeaseKeepaliveIntervalMs * o.LeaseExpiryGraceIntervals > MaxLeaseExpiryMs)
        {
            throw Fail(o, "policies.lease_expiry_grace_intervals", Num(o.LeaseExpiryGraceIntervals),
                $"times policies.lease_keepalive_interval_ms ({Num(o.LeaseKeepaliveIntervalMs)}) is a lease expiry of " +
                $"{Num((ulong)o.LeaseKeepaliveIntervalMs * o.LeaseExpiryGraceIntervals)} ms; it must be at most {Num(MaxLeaseExpiryMs)} ms (24 h)");
        }
        Positive(o, "policies.epoch_gc_keep", o.EpochGcKeep);
        if (o.EpochGcMinAgeNs is > MaxEpochGcMinAgeNs)
        {
            throw Fail(o, "policies.epoch_gc_min_age_ns", Num(o.EpochGcMinAgeNs.Value), $"must be at most {Num(MaxEpochGcMinAgeNs)} (one year)");
        }
        if (o.ShutdownTimeoutMs > MaxShutdownTimeoutMs)
        {
            throw Fail(o, "policies.shutdown_timeout_ms", Num(o.ShutdownTimeoutMs), $"must be at most {Num(MaxShutdownTimeoutMs)} (1 h)");
        }
        if (o.NodeIdReuseCooldownMs > MaxNodeIdReuseCooldownMs)
        {
            throw Fail(o, "policies.node_id_reuse_cooldown_ms", Num(o.NodeIdReuseCooldownMs), $"must be at most {Num(MaxNodeIdReuseCooldownMs)} (24 h)");
        }
        if (o.ShutdownToken is null || o.ShutdownToken.Length > 1024 || o.ShutdownToken.Any(c => c is < ' ' or > '~'))
        {
            throw Fail(o, "policies.shutdown_token", "(hidden)", "must be at most 1024 printable ASCII characters (empty disables shutdown requests)");
        }

        ValidateProfiles(o);
        ValidateStreams(o);
        ValidateRanges(o);
    }

    private static void ValidateProfiles(DriverOptions o)
    {
        if (o.Profiles.Count == 0)
        {
            throw Fail(o, "profiles", null, "at least one profile must be defined (driver spec §17)");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ProfileDefinition p in o.Profiles)
        {
            string key = "profiles." + p.Name;
            if (!IsName(p.Name))
            {
                throw Fail(o, key, p.Name, "a profile name must be 1 to 64 of [A-Za-z0-9_-]");
            }
            if (!names.Add(p.Name))
            {
                throw Fail(o, key, p.Name, "is defined twice");
            }
            if (p.HeaderNslots == 0 || (p.HeaderNslots & (p.HeaderNslots - 1)) != 0 || p.HeaderNslots > MaxHeaderNslots)
            {
                throw Fail(o, key + ".header_nslots", Num(p.HeaderNslots),
                    $"must be a power of two from 1 to {Num(MaxHeaderNslots)} (wire spec §3, §15.18)");
            }
            if (p.PayloadPools.Count == 0)
            {
                throw Fail(o, key + ".payload_pools", "[]", "must hold at least one pool (driver spec §4.3: streams with zero pools are invalid)");
            }
            var poolIds = new HashSet<ushort>();
            foreach (PayloadPoolDefinition pool in p.PayloadPools)
            {
                if (!poolIds.Add(pool.PoolId))
                {
                    throw Fail(o, key + ".payload_pools.pool_id", Num(pool.PoolId), "must be unique within the profile (§17)");
                }
                if (pool.StrideBytes == 0 || pool.StrideBytes % 64 != 0)
                {
                    throw Fail(o, key + ".payload_pools.stride_bytes", Num(pool.StrideBytes),
                        "must be a positive multiple of 64 (wire spec §3, §15.22)");
                }
            }
        }
        if (o.DefaultProfile is not null && o.EffectiveDefaultProfile is null)
        {
            throw Fail(o, "policies.default_profile", o.DefaultProfile,
                $"names no defined profile (defined: {string.Join(", ", o.Profiles.Select(p => p.Name))})");
        }
    }

    private static void ValidateStreams(DriverOptions o)
    {
        var ids = new Dictionary<uint, string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (StreamDefinition s in o.Streams)
        {
            string key = "streams." + s.Name;
            if (!IsName(s.Name) || !names.Add(s.Name))
            {
                throw Fail(o, key, s.Name, "a stream name must be 1 to 64 of [A-Za-z0-9_-] and unique");
            }
            if (s.StreamId == 0)
            {
                throw Fail(o, key + ".stream_id", "0", "must be non-zero (0 asks the driver to allocate an id, §11)");
            }
            if (ids.TryGetValue(s.StreamId, out string? other))
            {
                throw Fail(o, key + ".stream_id", Num(s.StreamId), $"is already used by streams.{other}");
            }
            ids.Add(s.StreamId, s.Name);
            // A pool stream's descriptors on the control, announce or QoS stream would be read as control traffic (D177).
            foreach ((string reserved, uint id) in new[]
            {
                ("driver.control_stream_id", o.ControlStreamId),
                ("driver.announce_stream_id", o.EffectiveAnnounceStreamId),
                ("driver.qos_stream_id", o.QosStreamId),
            })
            {
                if (s.StreamId == id)
                {
                    throw Fail(o, key + ".stream_id", Num(s.StreamId), $"is {reserved}; a pool stream needs an id of its own");
                }
            }
            if (s.Profile is not null && !o.Profiles.Any(p => p.Name == s.Profile))
            {
                throw Fail(o, key + ".profile", s.Profile,
                    $"names no defined profile (defined: {string.Join(", ", o.Profiles.Select(p => p.Name))})");
            }
        }
    }

    /// <summary>§11: start ≤ end, no overlap with each other, the control/announce/QoS ids or static streams.</summary>
    private static void ValidateRanges(DriverOptions o)
    {
        var all = new List<(string Key, IdRange Range)>();
        foreach ((string key, IList<IdRange> ranges) in new[]
        {
            ("driver.stream_id_range", o.StreamIdRange),
            ("driver.descriptor_stream_id_range", o.DescriptorStreamIdRange),
            ("driver.control_stream_id_range", o.ControlStreamIdRange),
        })
        {
            foreach (IdRange r in ranges)
            {
                if (r.Start > r.End)
                {
                    throw Fail(o, key, r.ToString(), "start must not exceed end (§11)");
                }
                if (r.Start == 0)
                {
                    throw Fail(o, key, r.ToString(), "must not include 0 (0 means \"allocate\" or \"not assigned\", §11)");
                }
                foreach ((string otherKey, IdRange other) in all)
                {
                    if (r.Overlaps(other))
                    {
                        throw Fail(o, key, r.ToString(), $"overlaps {otherKey} {other} (§11)");
                    }
                }
                foreach ((string idKey, uint id) in new[]
                {
                    ("driver.control_stream_id", o.ControlStreamId),
                    ("driver.announce_stream_id", o.EffectiveAnnounceStreamId),
                    ("driver.qos_stream_id", o.QosStreamId),
                })
                {
                    if (r.Contains(id))
                    {
                        throw Fail(o, key, r.ToString(), $"contains {idKey} {Num(id)} (§11)");
                    }
                }
                foreach (StreamDefinition s in o.Streams)
                {
                    if (r.Contains(s.StreamId))
                    {
                        throw Fail(o, key, r.ToString(), $"contains streams.{s.Name}.stream_id {Num(s.StreamId)} (§11)");
                    }
                }
                all.Add((key, r));
            }
        }
        if (o.AllowDynamicStreams && o.StreamIdRange.Count == 0)
        {
            throw Fail(o, "driver.stream_id_range", "", "must not be empty when policies.allow_dynamic_streams = true (§11)");
        }
        if (o.AllowDynamicStreams && o.EffectiveDefaultProfile is null)
        {
            throw Fail(o, "policies.default_profile", o.DefaultProfile, "dynamic streams need a default profile");
        }
    }

    private static void CheckText(DriverOptions o, string key, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || value.Any(char.IsControl))
        {
            throw Fail(o, key, value, $"must be 1 to {maxLength} characters, none a control character");
        }
    }

    private static void CheckChannel(DriverOptions o, string key, string? channel)
    {
        if (!ChannelUri.TryParse(channel, out _, out string? error))
        {
            throw Fail(o, key, channel, "is not a channel URI: " + error);
        }
    }

    /// <summary>The driver opens one transport, chosen by the control channel: every channel must share its scheme.</summary>
    private static void CheckOneTransport(DriverOptions o)
    {
        string scheme = ChannelUri.Parse(o.ControlChannel).Scheme;
        foreach ((string key, string? channel) in new[] { ("driver.announce_channel", o.AnnounceChannel), ("driver.qos_channel", o.QosChannel) })
        {
            if (channel is not null && ChannelUri.Parse(channel).Scheme != scheme)
            {
                throw Fail(o, key, channel, $"must use the transport of driver.control_channel ({scheme}:): the driver runs one transport");
            }
        }
    }

    private static void CheckStreamId(DriverOptions o, string key, uint id)
    {
        if (id == 0)
        {
            throw Fail(o, key, "0", "must be a non-zero stream id");
        }
    }

    private static void CheckAbsoluteDir(DriverOptions o, string key, string? dir)
    {
        if (string.IsNullOrEmpty(dir) || dir[0] != '/' || dir.Any(char.IsControl) ||
            dir.Split('/').Any(part => part is "." or ".."))
        {
            throw Fail(o, key, dir, "must be an absolute path without '.' or '..' components or control characters");
        }
    }

    private static void Bounded(DriverOptions o, string key, uint value, uint max)
    {
        if (value == 0 || value > max)
        {
            throw Fail(o, key, Num(value), value == 0 ? "must be at least 1" : $"must be at least 1 and at most {Num(max)}");
        }
    }

    private static void Positive(DriverOptions o, string key, uint value)
    {
        if (value == 0)
        {
            throw Fail(o, key, "0", "must be at least 1");
        }
    }

    private static bool IsName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>Lexical containment (the canonical check happens when the driver starts, through the path policy).</summary>
    internal static bool IsUnder(string path, string dir)
    {
        string p = path.TrimEnd('/');
        string d = dir.TrimEnd('/');
        return d.Length == 0 || p == d || p.StartsWith(d + "/", StringComparison.Ordinal);
    }

    private static string Num(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static DriverConfigurationException Fail(DriverOptions o, string key, string? value, string rule) =>
        new(key, value, rule, o.OriginOf(key));
}
