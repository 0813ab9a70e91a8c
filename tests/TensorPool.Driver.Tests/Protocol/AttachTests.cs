using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>ShmAttachRequest → ShmAttachResponse, rule by rule (driver spec §4.2, §4.3, §4.6, §4.8, §5, §11).</summary>
public sealed class AttachTests
{
    [Test]
    public void Ok_response_echoes_correlation_id_and_carries_every_required_field_4_2()
    {
        using var h = new DriverHarness();
        byte[] bytes = h.Attach(123456789012345L, clientId: 7, Role.Consumer);
        ShmAttachResponseDecoder r = DriverHarness.Response(bytes);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.CorrelationId, Is.EqualTo(123456789012345L));
            Assert.That(r.Code, Is.EqualTo(ResponseCode.Ok));
            Assert.That(r.LeaseId, Is.Not.Null);
            Assert.That(r.LeaseExpiryTimestampNs, Is.EqualTo((ulong)(h.Clock.NanoTime() + 3_000_000_000L)), "interval x grace");
            Assert.That(r.StreamId, Is.EqualTo(DriverHarness.Stream));
            Assert.That(r.Epoch, Is.Not.Null.And.GreaterThan(0UL));
            Assert.That(r.LayoutVersion, Is.EqualTo(1));
            Assert.That(r.HeaderNslots, Is.EqualTo(8));
            Assert.That(r.HeaderSlotBytes, Is.EqualTo(256));
            Assert.That(r.NodeId, Is.Not.Null);
            Assert.That(r.ErrorMessage.Length, Is.Zero);
            Assert.That(r.GetHeaderRegionUriString(), Does.StartWith("shm:file?path=" + h.Options.ShmBaseDir).And.EndWith("/header.ring|require_hugepages=false"));
        }
        var pools = new List<(ushort Id, uint Nslots, uint Stride, string Uri)>();
        foreach (ShmAttachResponseDecoder.PayloadPoolsDecoder p in r.PayloadPools)
        {
            pools.Add((p.PoolId, p.PoolNslots, p.StrideBytes, p.GetRegionUriString()));
        }
        Assert.That(pools.Select(p => (p.Id, p.Nslots, p.Stride)), Is.EqualTo(new[] { ((ushort)1, 8u, 64u), ((ushort)2, 8u, 256u) }),
            "poolNslots == headerNslots for every pool (§4.2)");
        Assert.That(pools[1].Uri, Does.EndWith("/2.pool|require_hugepages=false"));
    }

    [Test]
    public void Files_follow_the_canonical_layout_with_the_configured_modes_3()
    {
        using var h = new DriverHarness(o => o.PermissionsMode = "640");
        ShmAttachResponseDecoder r = DriverHarness.Response(h.Attach(1, 7, Role.Producer));
        string epochDir = Path.Combine(h.Options.ShmBaseDir, "tensorpool-" + Environment.UserName, "t", "10000",
            r.Epoch!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.Exists(Path.Combine(epochDir, "header.ring")), Is.True, epochDir);
            Assert.That(new FileInfo(Path.Combine(epochDir, "header.ring")).Length, Is.EqualTo(64 + 8 * 256));
            Assert.That(new FileInfo(Path.Combine(epochDir, "2.pool")).Length, Is.EqualTo(64 + 8 * 256));
            Assert.That(File.GetUnixFileMode(Path.Combine(epochDir, "1.pool")),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead));
            Assert.That(File.GetUnixFileMode(epochDir) & ~UnixFileMode.SetGroup,
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute));
        }
    }

    [Test]
    public void Error_response_has_null_optionals_no_pools_no_uri_and_a_message_4_2()
    {
        using var h = new DriverHarness();
        ShmAttachResponseDecoder r = DriverHarness.Response(h.Attach(5, 7, Role.Producer, stream: 42, mode: PublishMode.RequireExisting));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.CorrelationId, Is.EqualTo(5));
            Assert.That(r.Code, Is.EqualTo(ResponseCode.Rejected));
            Assert.That(r.LeaseId, Is.Null);
            Assert.That(r.LeaseExpiryTimestampNs, Is.Null);
            Assert.That(r.StreamId, Is.Null);
            Assert.That(r.Epoch, Is.Null);
            Assert.That(r.LayoutVersion, Is.Null);
            Assert.That(r.HeaderNslots, Is.Null);
            Assert.That(r.HeaderSlotBytes, Is.Null);
            Assert.That(r.NodeId, Is.Null);
            Assert.That(r.PayloadPools.Count, Is.Zero);
            Assert.That(r.HeaderRegionUri.Length, Is.Zero);
            Assert.That(r.GetErrorMessageString(), Does.Contain("not provisioned"));
        }
    }

    [TestCase(0, ResponseCode.InvalidParams, "unknown role")]
    [TestCase(3, ResponseCode.InvalidParams, "unknown role")]
    [TestCase(255, ResponseCode.InvalidParams, "unknown role")]
    public void Unknown_role_is_invalid_params_4_6(int role, ResponseCode code, string message)
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 7, (Role)role), code, message);
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(254)]
    public void Unknown_publish_mode_is_unsupported_4_6(int mode)
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 7, Role.Consumer, mode: (PublishMode)mode), ResponseCode.Unsupported, "unsupported publishMode");
    }

    [Test]
    public void Absent_publish_mode_means_existing_or_create()
    {
        using var h = new DriverHarness();
        h.Lease(h.Attach(1, 7, Role.Consumer, mode: null));
    }

    [Test]
    public void Unknown_hugepages_policy_is_invalid_params()
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 7, Role.Consumer, hugepages: (HugepagesPolicy)9), ResponseCode.InvalidParams, "requireHugepages");
    }

    [Test]
    public void Client_id_zero_is_invalid_params_B_2()
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 0, Role.Consumer), ResponseCode.InvalidParams, "non-zero");
    }

    [TestCase(2u)]
    [TestCase(99u)]
    public void Wrong_expected_layout_version_is_rejected_4_3(uint layout)
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 7, Role.Consumer, expectedLayout: layout), ResponseCode.Rejected, "layout version mismatch");
        h.Lease(h.Attach(2, 7, Role.Consumer, expectedLayout: 1));
    }

    [Test]
    public void Hugepages_on_a_standard_page_base_dir_is_rejected_4_3()
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 7, Role.Producer, hugepages: HugepagesPolicy.Hugepages), ResponseCode.Rejected, "hugepage");
        h.Lease(h.Attach(2, 8, Role.Producer, hugepages: HugepagesPolicy.Standard));
        AssertCode(h, h.Attach(3, 9, Role.Consumer, hugepages: HugepagesPolicy.Hugepages), ResponseCode.Rejected, "not hugepage-backed");
    }

    [Test]
    public void Configured_hugepages_default_applies_to_unspecified_requests_17()
    {
        using var h = new DriverHarness(o => o.RequireHugepages = true);
        AssertCode(h, h.Attach(1, 7, Role.Producer), ResponseCode.Rejected, "hugepage");
        h.Lease(h.Attach(2, 7, Role.Producer, hugepages: HugepagesPolicy.Standard));
    }

    [Test]
    public void Second_producer_on_a_stream_is_rejected_5()
    {
        using var h = new DriverHarness();
        h.Lease(h.Attach(1, 7, Role.Producer));
        AssertCode(h, h.Attach(2, 8, Role.Producer), ResponseCode.Rejected, "already has a producer");
        Assert.That(h.Driver.Status.Leases, Has.Count.EqualTo(1));
    }

    [Test]
    public void Second_producer_is_told_when_the_holders_lease_expires_7_D213()
    {
        // Default lease: 1000 ms keepalive interval x 3 missed = 3000 ms; 1.2 s later 1800 ms remain.
        using var h = new DriverHarness();
        h.Lease(h.Attach(1, 7, Role.Producer));
        h.Advance(TimeSpan.FromMilliseconds(1200));
        AssertCode(h, h.Attach(2, 8, Role.Producer), ResponseCode.Rejected, "its lease expires in 1800 ms unless it sends a keepalive");
    }

    [Test]
    public void Consumers_are_unlimited_5()
    {
        using var h = new DriverHarness();
        h.Lease(h.Attach(1, 1, Role.Producer));
        for (uint c = 2; c < 102; c++)
        {
            h.Lease(h.Attach(c, c, Role.Consumer));
        }
        Assert.That(h.Driver.Status.Streams.Single().Consumers, Is.EqualTo(100));
    }

    [Test]
    public void Client_id_with_an_active_lease_is_rejected_with_the_appendix_B_text_4_8()
    {
        using var h = new DriverHarness(o => o.Streams.Add(new TensorPool.Driver.Configuration.StreamDefinition("other", 10001)));
        h.Lease(h.Attach(1, 7, Role.Consumer));
        ShmAttachResponseDecoder r = DriverHarness.Response(h.Attach(2, 7, Role.Producer, stream: 10001));
        Assert.That(r.Code, Is.EqualTo(ResponseCode.Rejected));
        Assert.That(r.GetErrorMessageString(), Is.EqualTo("client_id already attached"));
    }

    [Test]
    public void Duplicate_request_gets_the_same_response_and_no_second_lease_4_8()
    {
        using var h = new DriverHarness();
        byte[] first = h.Attach(9, 7, Role.Producer);
        h.Send(h.AttachBytes(9, 7, Role.Producer));
        h.Pump();
        List<byte[]> responses = h.AttachResponses();
        Assert.That(responses, Has.Count.EqualTo(2));
        Assert.That(responses[1], Is.EqualTo(first), "byte-identical response");
        Assert.That(h.Driver.Status.Leases, Has.Count.EqualTo(1));
        Assert.That(h.Driver.Counters.DuplicateAttaches, Is.EqualTo(1));
    }

    [Test]
    public void Lease_ids_are_unique_and_never_reused_4_8()
    {
        using var h = new DriverHarness();
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 50; i++)
        {
            ulong lease = h.Lease(h.Attach(100 + i, 7, i % 2 == 0 ? Role.Producer : Role.Consumer));
            Assert.That(seen.Add(lease), Is.True, "lease id reused");
            h.Detach(1000 + i, lease, 7, i % 2 == 0 ? Role.Producer : Role.Consumer);
        }
    }

    [Test]
    public void Unprovisioned_stream_with_require_existing_is_rejected_4_3()
    {
        using var h = new DriverHarness(o => { o.AllowDynamicStreams = true; o.StreamIdRange = [new(20000, 20009)]; });
        AssertCode(h, h.Attach(1, 7, Role.Producer, stream: 20001, mode: PublishMode.RequireExisting), ResponseCode.Rejected, "REQUIRE_EXISTING");
    }

    [Test]
    public void Unprovisioned_stream_without_dynamic_streams_is_rejected()
    {
        using var h = new DriverHarness();
        AssertCode(h, h.Attach(1, 7, Role.Producer, stream: 20001), ResponseCode.Rejected, "allow_dynamic_streams is false");
    }

    [Test]
    public void Dynamic_stream_ids_come_from_the_range_and_exhaustion_is_invalid_params_11()
    {
        using var h = new DriverHarness(o => { o.AllowDynamicStreams = true; o.StreamIdRange = [new(20000, 20001)]; });
        ShmAttachResponseDecoder a = DriverHarness.Response(h.Attach(1, 7, Role.Producer, stream: 0));
        ShmAttachResponseDecoder b = DriverHarness.Response(h.Attach(2, 8, Role.Producer, stream: 0));
        Assert.That(new[] { a.StreamId, b.StreamId }, Is.EquivalentTo(new uint?[] { 20000, 20001 }));
        AssertCode(h, h.Attach(3, 9, Role.Producer, stream: 0), ResponseCode.InvalidParams, "exhausted");
    }

    [Test]
    public void Dynamic_stream_id_outside_the_range_is_invalid_params_11()
    {
        using var h = new DriverHarness(o => { o.AllowDynamicStreams = true; o.StreamIdRange = [new(20000, 20009)]; });
        AssertCode(h, h.Attach(1, 7, Role.Producer, stream: 30000), ResponseCode.InvalidParams, "outside driver.stream_id_range");
        ShmAttachResponseDecoder r = DriverHarness.Response(h.Attach(2, 7, Role.Producer, stream: 20005));
        Assert.That(r.Code, Is.EqualTo(ResponseCode.Ok));
        Assert.That(r.StreamId, Is.EqualTo(20005));
    }

    [Test]
    public void A_refused_attach_does_not_keep_its_dynamic_stream()
    {
        using var h = new DriverHarness(o => { o.AllowDynamicStreams = true; o.StreamIdRange = [new(20000, 20000)]; });
        AssertCode(h, h.Attach(1, 7, Role.Producer, stream: 0, hugepages: HugepagesPolicy.Hugepages), ResponseCode.Rejected, "hugepage");
        Assert.That(h.Driver.Status.Streams.Select(s => s.StreamId), Is.EqualTo(new[] { DriverHarness.Stream }));
        h.Lease(h.Attach(2, 7, Role.Producer, stream: 0));
    }

    [Test]
    public void Desired_node_id_is_granted_or_rejected_without_node_id_4_2()
    {
        using var h = new DriverHarness(o => o.NodeIdReuseCooldownMs = 1000);
        ShmAttachResponseDecoder a = DriverHarness.Response(h.Attach(1, 7, Role.Consumer, desiredNode: 500));
        Assert.That(a.NodeId, Is.EqualTo(500));
        ShmAttachResponseDecoder b = DriverHarness.Response(h.Attach(2, 8, Role.Consumer, desiredNode: 500));
        Assert.That(b.Code, Is.EqualTo(ResponseCode.Rejected));
        Assert.That(b.NodeId, Is.Null);
        h.Detach(3, a.LeaseId!.Value, 7, Role.Consumer);
        AssertCode(h, h.Attach(4, 8, Role.Consumer, desiredNode: 500), ResponseCode.Rejected, "node_id 500 unavailable");
        h.Advance(TimeSpan.FromMilliseconds(1001));
        Assert.That(DriverHarness.Response(h.Attach(5, 8, Role.Consumer, desiredNode: 500)).NodeId, Is.EqualTo(500), "after the cooldown");
    }

    [Test]
    public void Automatic_node_ids_are_unique_among_active_leases()
    {
        using var h = new DriverHarness();
        var ids = new HashSet<uint>();
        for (uint c = 1; c <= 64; c++)
        {
            Assert.That(ids.Add(DriverHarness.Response(h.Attach(c, c, Role.Consumer)).NodeId!.Value), Is.True);
        }
        Assert.That(ids, Has.All.InRange(1u, 1023u));
    }

    [Test]
    public void Attach_of_version_0_is_unsupported_4_4a()
    {
        using var h = new DriverHarness();
        byte[] request = h.AttachBytes(31, 7, Role.Consumer);
        BitConverter.TryWriteBytes(request.AsSpan(6), (ushort)0);
        h.Send(request);
        h.Pump();
        AssertCode(h, h.Single(ShmAttachResponseDecoder.TemplateId, 31), ResponseCode.Unsupported, "version 0");
    }

    [Test]
    public void Attach_of_a_newer_version_is_answered_in_version_1_4_4a()
    {
        using var h = new DriverHarness();
        byte[] v1 = h.AttachBytes(32, 7, Role.Consumer);
        // Version 2 with a longer block (a field v1 does not know appended): read as version 1.
        byte[] v2 = [.. v1, 0xAB, 0xCD];
        BitConverter.TryWriteBytes(v2.AsSpan(0), (ushort)(v1.Length - SbeMessageHeader.Size + 2));
        BitConverter.TryWriteBytes(v2.AsSpan(6), (ushort)2);
        h.Send(v2);
        h.Pump();
        byte[] response = h.Single(ShmAttachResponseDecoder.TemplateId, 32);
        Assert.That(BitConverter.ToUInt16(response, 6), Is.EqualTo(1), "answered in version 1");
        h.Lease(response);
    }

    [Test]
    public void Truncated_attach_with_a_readable_correlation_id_is_invalid_params()
    {
        using var h = new DriverHarness();
        byte[] request = h.AttachBytes(33, 7, Role.Consumer)[..20];
        h.Send(request);
        h.Pump();
        AssertCode(h, h.Single(ShmAttachResponseDecoder.TemplateId, 33), ResponseCode.InvalidParams, "malformed");
        Assert.That(h.Driver.Counters.Malformed, Is.EqualTo(1));
    }

    [Test]
    public void Garbage_on_the_control_stream_is_counted_and_ignored()
    {
        using var h = new DriverHarness();
        var random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            byte[] junk = new byte[random.Next(0, 80)];
            random.NextBytes(junk);
            if (junk.Length >= 8 && i % 2 == 0)
            {
                BitConverter.TryWriteBytes(junk.AsSpan(4), (ushort)901); // claim the driver schema
            }
            h.Send(junk);
        }
        h.Pump(20);
        h.Lease(h.Attach(1, 7, Role.Producer));
    }

    [Test]
    public void Error_message_is_at_most_1024_bytes_4_2()
    {
        using var h = new DriverHarness(o =>
        {
            o.AllowDynamicStreams = true;
            o.StreamIdRange = [.. Enumerable.Range(0, 300).Select(i => new TensorPool.Driver.Configuration.IdRange((uint)(20000 + i * 10), (uint)(20000 + i * 10)))];
        });
        ShmAttachResponseDecoder r = DriverHarness.Response(h.Attach(1, 7, Role.Producer, stream: 30000));
        Assert.That(r.Code, Is.EqualTo(ResponseCode.InvalidParams));
        Assert.That(r.ErrorMessage.Length, Is.EqualTo(1024), "truncated to 1024 bytes");
    }

    private static void AssertCode(DriverHarness h, byte[] response, ResponseCode code, string message)
    {
        ShmAttachResponseDecoder r = DriverHarness.Response(response);
        Assert.That(r.Code, Is.EqualTo(code), r.GetErrorMessageString());
        Assert.That(r.GetErrorMessageString(), Does.Contain(message));
        Assert.That(r.LeaseId, Is.Null);
        _ = h;
    }
}
