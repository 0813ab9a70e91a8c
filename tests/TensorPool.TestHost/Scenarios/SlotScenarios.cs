using System.Globalization;
using TensorPool.Native.Internal;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// A consumer-side reader of header-ring slots in its own process (issue 2's cross-process test):
/// maps a header ring and payload pool read-only through the path policy and validates frames
/// with tp_frame_begin / tp_frame_end.
/// </summary>
public static unsafe class SlotScenarios
{
    private static void Check(int rc, string call)
    {
        if (rc < 0)
        {
            throw new InvalidOperationException($"{call} failed ({rc}): {NativeMethods.tp_errmsg_string()}");
        }
    }

    private static RegionHandle Map(PathPolicyHandle policy, string path)
    {
        TpRegion* raw;
        using (NativeHandleLease<TpPathPolicy> lease = policy.Lease())
        {
            Check(NativeMethods.tp_region_map(&raw, lease.Pointer, path, (int)TpRegionAccess.ReadOnly, 0, null), "tp_region_map " + path);
        }
        var region = new RegionHandle();
        region.Adopt(raw);
        return region;
    }

    /// <summary>
    /// args: base-dir header-ring-path pool-path seq [hold]. Prints "begin STATUS" and, when accepted,
    /// "payload LEN SUM" (byte sum). With "hold" it waits for a line on stdin between reading the
    /// payload and the final seqlock check, so the parent can overwrite the slot mid-read.
    /// Ends with "end STATUS".
    /// </summary>
    [Scenario("slot-read")]
    public static int SlotRead(string[] args)
    {
        string baseDir = args[0];
        ulong seq = ulong.Parse(args[3], CultureInfo.InvariantCulture);
        bool hold = args.Length > 4 && args[4] == "hold";

        TpPathPolicy* rawPolicy;
        Check(NativeMethods.tp_path_policy_create(&rawPolicy), "tp_path_policy_create");
        using var policy = new PathPolicyHandle();
        policy.Adopt(rawPolicy);
        using (NativeHandleLease<TpPathPolicy> lease = policy.Lease())
        {
            Check(NativeMethods.tp_path_policy_add_base_dir(lease.Pointer, baseDir), "tp_path_policy_add_base_dir");
        }

        using RegionHandle ringRegion = Map(policy, args[1]);
        using RegionHandle poolRegion = Map(policy, args[2]);
        using NativeHandleLease<TpRegion> ringLease = ringRegion.Lease();
        using NativeHandleLease<TpRegion> poolLease = poolRegion.Lease();

        TpHeaderRing ring;
        TpPayloadPool pool;
        Check(NativeMethods.tp_header_ring_wrap(&ring, NativeMethods.tp_region_base(ringLease.Pointer), NativeMethods.tp_region_length(ringLease.Pointer)), "tp_header_ring_wrap");
        Check(NativeMethods.tp_payload_pool_wrap(&pool, NativeMethods.tp_region_base(poolLease.Pointer), NativeMethods.tp_region_length(poolLease.Pointer)), "tp_payload_pool_wrap");

        TpFrame frame;
        int status = NativeMethods.tp_frame_begin(&frame, &ring, &pool, 1, seq);
        Console.WriteLine("begin " + NativeMethods.tp_frame_status_name_string(status));
        if (status != (int)TpFrameStatus.Ok)
        {
            return 0;
        }

        var payload = new ReadOnlySpan<byte>(frame.Payload, checked((int)frame.Header.ValuesLenBytes));
        long sum = 0;
        foreach (byte b in payload)
        {
            sum += b;
        }
        if (hold)
        {
            Console.WriteLine("holding");
            _ = Console.ReadLine();
        }
        status = NativeMethods.tp_frame_end(&frame);
        if (status == (int)TpFrameStatus.Ok)
        {
            Console.WriteLine(FormattableString.Invariant($"payload {payload.Length} {sum}"));
        }
        Console.WriteLine("end " + NativeMethods.tp_frame_status_name_string(status));
        return 0;
    }
}
