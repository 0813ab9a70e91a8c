using TensorPool.JoinBarrier;
using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Testing;
using TensorPool.Time;
using TensorPool.Transport;
using static TensorPool.JoinBarrier.Tests.Maps;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>The MergeMap authority and the late joiner's requests over the real tp:ipc transport (§7.3, §10.1, §10.3-§10.5).</summary>
public class MergeMapExchangeTests
{
    private static readonly MergeMapControlOptions Quiet = new() { AnnounceInterval = TimeSpan.FromHours(1) };

    private static MergeMapControlOptions Timed(ManualClock clock, TimeSpan? announce = null) => new()
    {
        Clock = clock,
        AnnounceInterval = announce ?? TimeSpan.FromHours(1),
        RequestInterval = TimeSpan.FromMilliseconds(250),
        ResponseHoldoff = TimeSpan.FromMilliseconds(20),
    };

    [Test]
    public void Authority_announces_when_published_then_again_at_a_low_cadence_10_1()
    {
        using var control = new ControlStream();
        var clock = new ManualClock();
        using ISubscription wire = control.Transport.AddSubscription(ControlStream.Channel, ControlStream.StreamId);
        using var authority = new MergeMapAuthority(control.Transport, Timed(clock, TimeSpan.FromSeconds(1)));
        SequenceMergeMap map = Sequence(SequenceMergeRule.ForOffset(A, 0));
        authority.Publish(map);

        authority.DoWork();
        authority.DoWork();
        List<byte[]> first = ControlStream.Drain(wire);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        authority.DoWork();
        int beforeDue = ControlStream.Drain(wire).Count;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        authority.DoWork();
        List<byte[]> second = ControlStream.Drain(wire);
        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(1));
            Assert.That(first[0], Is.EqualTo(map.ToArray()));
            Assert.That(beforeDue, Is.Zero);
            Assert.That(second, Has.Count.EqualTo(1), "soft-state re-announce after the interval");
            Assert.That(authority.Announces, Is.EqualTo(2));
        });
    }

    [Test]
    public void Authority_answers_a_sequence_request_for_a_map_it_owns_10_3()
    {
        using var control = new ControlStream();
        using var authority = new MergeMapAuthority(control.Transport, Quiet);
        SequenceMergeMap map = Sequence(SequenceMergeRule.ForOffset(A, -2));
        authority.Publish(map);
        authority.DoWork(); // the announce at publication: before the late joiner subscribed

        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(control.Transport, registry, Quiet);
        client.DoWork();
        Assert.That(registry.GetState(MergeMapKind.Sequence, Out, Epoch), Is.EqualTo(MergeMapState.Absent), "the first announce went by before it joined");

        client.Require(MergeMapKind.Sequence, Out, Epoch);
        client.DoWork();   // sends the request
        authority.DoWork(); // answers it
        client.DoWork();   // reads the answer
        Assert.Multiple(() =>
        {
            Assert.That(registry.GetSequence(Out, Epoch, out SequenceMergeMap? got, out _), Is.EqualTo(MergeMapState.Valid));
            Assert.That(got, Is.EqualTo(map));
            Assert.That(client.RequestsSent, Is.EqualTo(1));
            Assert.That(authority.Requests, Is.EqualTo(1));
            Assert.That(authority.Responses, Is.EqualTo(1));
        });
        client.DoWork();
        Assert.That(client.Pending, Is.Zero);
        Assert.That(client.Satisfied, Is.EqualTo(1));
    }

    [Test]
    public void Authority_answers_a_timestamp_request_for_a_map_it_owns_10_4_10_5()
    {
        using var control = new ControlStream();
        using var authority = new MergeMapAuthority(control.Transport, Quiet);
        TimestampMergeMap map = Timestamp(5_000, TimestampMergeRule.ForOffset(A, 0), TimestampMergeRule.ForWindow(B, 1_000));
        authority.Publish(map);
        authority.DoWork();

        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(control.Transport, registry, Quiet);
        client.Require(MergeMapKind.Timestamp, Out, Epoch);
        client.DoWork();
        authority.DoWork();
        client.DoWork();
        Assert.That(registry.GetTimestamp(Out, Epoch, out TimestampMergeMap? got, out _), Is.EqualTo(MergeMapState.Valid));
        Assert.That(got, Is.EqualTo(map));
    }

    [Test]
    public void Requests_for_keys_the_authority_does_not_own_are_left_unanswered_10_3()
    {
        using var control = new ControlStream();
        using ISubscription wire = control.Transport.AddSubscription(ControlStream.Channel, ControlStream.StreamId);
        using var authority = new MergeMapAuthority(control.Transport, Quiet);
        authority.Publish(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        authority.DoWork();
        using var client = new MergeMapClient(control.Transport, new MergeMapRegistry(), Quiet);
        client.Require(MergeMapKind.Sequence, Out, Epoch + 1);  // another epoch
        client.Require(MergeMapKind.Sequence, Out + 1, Epoch);  // another output
        client.Require(MergeMapKind.Timestamp, Out, Epoch);     // another kind
        client.DoWork();
        ControlStream.Drain(wire);
        authority.DoWork();
        Assert.Multiple(() =>
        {
            Assert.That(authority.RequestsNotOwned, Is.EqualTo(3));
            Assert.That(authority.Responses, Is.Zero);
            Assert.That(ControlStream.Drain(wire), Is.Empty);
        });
    }

    [Test]
    public void Requests_arriving_together_share_one_answer_D166()
    {
        using var control = new ControlStream();
        var clock = new ManualClock();
        using ISubscription wire = control.Transport.AddSubscription(ControlStream.Channel, ControlStream.StreamId);
        using var authority = new MergeMapAuthority(control.Transport, Timed(clock));
        authority.Publish(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        authority.DoWork();
        using TpIpcPublication requester = control.Transport.AddPublication(ControlStream.Channel, ControlStream.StreamId);
        byte[] request = new byte[32];
        int n = SequenceMergeMap.EncodeRequest(request, Out, Epoch);

        for (int i = 0; i < 50; i++)
        {
            requester.Offer(request.AsSpan(0, n));
        }
        ControlStream.Drain(wire);
        authority.DoWork();
        Assert.That(ControlStream.Drain(wire).Count(IsAnnounce), Is.EqualTo(1));

        requester.Offer(request.AsSpan(0, n)); // within the holdoff: answered once it has passed, not dropped
        authority.DoWork();
        Assert.That(ControlStream.Drain(wire).Count(IsAnnounce), Is.Zero);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        authority.DoWork();
        Assert.That(ControlStream.Drain(wire).Count(IsAnnounce), Is.EqualTo(1));
        Assert.That(authority.Requests, Is.EqualTo(51));
        Assert.That(authority.Responses, Is.EqualTo(2));
    }

    [Test]
    public void A_client_repeats_its_request_until_the_map_is_known_D167()
    {
        using var control = new ControlStream();
        var clock = new ManualClock();
        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(control.Transport, registry, Timed(clock));
        client.Require(MergeMapKind.Sequence, Out, Epoch);
        client.Require(MergeMapKind.Sequence, Out, Epoch); // idempotent
        client.DoWork();
        client.DoWork();
        clock.Advance(TimeSpan.FromMilliseconds(250));
        client.DoWork();
        Assert.That(client.RequestsSent, Is.EqualTo(2), "no authority yet: asked at once, then after the interval");

        using var authority = new MergeMapAuthority(control.Transport, Timed(clock));
        authority.Publish(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        clock.Advance(TimeSpan.FromMilliseconds(250));
        client.DoWork();   // third request
        authority.DoWork(); // announce at publication, which also answers
        client.DoWork();
        clock.Advance(TimeSpan.FromSeconds(5));
        client.DoWork();
        Assert.That(registry.GetState(MergeMapKind.Sequence, Out, Epoch), Is.EqualTo(MergeMapState.Valid));
        Assert.That(client.RequestsSent, Is.EqualTo(3));
        Assert.That(client.Pending, Is.Zero);
    }

    [Test]
    public void A_client_stops_asking_once_an_invalid_map_is_known_6_2()
    {
        using var control = new ControlStream();
        var clock = new ManualClock();
        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(control.Transport, registry, Timed(clock));
        using TpIpcPublication bad = control.Transport.AddPublication(ControlStream.Channel, ControlStream.StreamId);
        client.Require(MergeMapKind.Sequence, Out, Epoch);
        client.DoWork();
        bad.Offer(MergeMapRegistryTests.Encode(Out, Epoch, SequenceMergeRule.ForWindow(A, 0)));
        client.DoWork();
        clock.Advance(TimeSpan.FromSeconds(5));
        client.DoWork();
        Assert.That(registry.GetState(MergeMapKind.Sequence, Out, Epoch), Is.EqualTo(MergeMapState.Invalid));
        Assert.That(client.RequestsSent, Is.EqualTo(1));
    }

    [Test]
    public void Malformed_requests_are_counted_never_thrown()
    {
        using var control = new ControlStream();
        using var authority = new MergeMapAuthority(control.Transport, Quiet);
        authority.Publish(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        using TpIpcPublication bad = control.Transport.AddPublication(ControlStream.Channel, ControlStream.StreamId);
        byte[] request = new byte[32];
        int n = SequenceMergeMap.EncodeRequest(request, Out, Epoch);
        bad.Offer(request.AsSpan(0, n - 1));               // truncated
        bad.Offer(request.AsSpan(0, 4));                   // not even a header
        request[4] = 0x84;                                 // schema 900 (template 2: ConsumerHello): not ours, not counted
        request[5] = 0x03;
        bad.Offer(request.AsSpan(0, n));
        request[4] = 0x87;                                 // back to 903, with an unknown template
        request[2] = 99;
        bad.Offer(request.AsSpan(0, n));
        Assert.DoesNotThrow(() => authority.DoWork());
        Assert.That(authority.Malformed, Is.EqualTo(2));
        Assert.That(authority.Responses, Is.Zero);
    }

    [Test]
    public void A_late_joining_barrier_is_ready_once_the_requested_map_arrives_7_3_10_3()
    {
        using var control = new ControlStream();
        var authorityRegistry = new MergeMapRegistry();
        using var authority = new MergeMapAuthority(control.Transport, Quiet, authorityRegistry);
        authority.Publish(Sequence(SequenceMergeRule.ForOffset(A, 0), SequenceMergeRule.ForOffset(B, -1)));
        authority.DoWork();
        Assert.That(authorityRegistry.GetState(MergeMapKind.Sequence, Out, Epoch), Is.EqualTo(MergeMapState.Valid), "published maps apply locally too");

        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(control.Transport, registry, Quiet);
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(4));
        barrier.Observe(B, Seq(3));
        JoinResult result = barrier.Check(4);
        Assert.That(result.Status, Is.EqualTo(JoinStatus.NoMap));
        for (int cycle = 0; cycle < 10 && !result.IsReady; cycle++)
        {
            result = barrier.Check(4);
            if (result.Status == JoinStatus.NoMap)
            {
                client.Require(barrier);
            }
            client.DoWork();
            authority.DoWork();
        }
        Assert.That(result.IsReady, Is.True, result.ToString());
        Assert.That(client.RequestsSent, Is.GreaterThanOrEqualTo(1));
        Assert.That(authority.Responses, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void A_restarted_output_blocks_readiness_until_its_new_map_arrives_6_4()
    {
        using var control = new ControlStream();
        using var authority = new MergeMapAuthority(control.Transport, Quiet);
        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(control.Transport, registry, Quiet);
        authority.Publish(Sequence(SequenceMergeRule.ForOffset(A, 0)));
        authority.DoWork();
        client.DoWork();
        var barrier = new SequenceJoinBarrier(registry, Out);
        barrier.SetOutputEpoch(Epoch);
        barrier.Observe(A, Seq(1));
        Assert.That(barrier.Check(1).IsReady, Is.True);

        barrier.SetOutputEpoch(Epoch + 1); // the output's producer restarted with a new epoch
        Assert.That(barrier.Check(1).Status, Is.EqualTo(JoinStatus.NoMap));
        authority.Publish(new SequenceMergeMap(Out, Epoch + 1, [SequenceMergeRule.ForOffset(A, 0)]));
        authority.DoWork();
        client.DoWork();
        Assert.That(barrier.Check(1).IsReady, Is.True);
    }

    [Test]
    public void The_driver_neither_caches_nor_proxies_MergeMaps_10_3()
    {
        string driver = Path.Combine(RepoPaths.Root, "src", "TensorPool.Driver");
        string[] offending = [.. Directory.EnumerateFiles(driver, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("MergeMap", StringComparison.Ordinal) || text.Contains("Sbe.JoinBarrier", StringComparison.Ordinal)))];
        Assert.That(offending, Is.Empty);
    }

    private static bool IsAnnounce(byte[] message) =>
        SbeMessageHeader.TryRead(message, out SbeMessageHeader h) && h.SchemaId == 903 && h.TemplateId == SequenceMergeMapAnnounceDecoder.TemplateId;
}
