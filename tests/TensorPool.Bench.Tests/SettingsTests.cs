using TensorPool.Bench.Matrix;

namespace TensorPool.Bench.Tests;

/// <summary>The matrix's arguments, schedule and ratios.</summary>
[TestFixture]
public sealed class SettingsTests
{
    [Test]
    public void Sizes_take_binary_suffixes_and_come_back_sorted_without_repeats()
    {
        Assert.That(BenchSettings.TryParseSizes("16MiB,64,4KiB,4K,1M,64KiB, 100B", out int[] sizes, out string error), Is.True, error);
        Assert.That(sizes, Is.EqualTo(new[] { 64, 100, 4096, 65536, 1 << 20, 16 << 20 }));
    }

    [TestCase("15")]
    [TestCase("0")]
    [TestCase("")]
    [TestCase("4 KiB")]
    [TestCase("257MiB")]
    [TestCase("99999999999999999999")]
    [TestCase("1.5KiB")]
    [TestCase("+64")]
    public void Bad_sizes_are_refused_with_the_item(string text)
    {
        Assert.That(BenchSettings.TryParseSizes(text, out _, out string error), Is.False);
        Assert.That(error, Does.Contain("payload size"));
    }

    [Test]
    public void Consumer_counts_from_1_to_16()
    {
        Assert.That(BenchSettings.TryParseConsumers("3,1,3", out int[] counts, out _), Is.True);
        Assert.That(counts, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(BenchSettings.TryParseConsumers("16", out _, out _), Is.True);
        Assert.That(BenchSettings.TryParseConsumers("17", out _, out string error), Is.False);
        Assert.That(error, Does.Contain("17"));
        Assert.That(BenchSettings.TryParseConsumers("0", out _, out _), Is.False);
        Assert.That(BenchSettings.TryParseConsumers("x", out _, out _), Is.False);
    }

    [Test]
    public void Quick_is_shorter_than_full_in_every_measure()
    {
        var quick = new BenchSettings(BenchSettings.DefaultSizes, BenchSettings.DefaultConsumers, true, "o");
        var full = quick with { Quick = false };

        Assert.That(quick.PingPongRoundTrips, Is.LessThan(full.PingPongRoundTrips));
        Assert.That(quick.LatencySeconds, Is.LessThan(full.LatencySeconds));
        Assert.That(quick.ThroughputSeconds, Is.LessThan(full.ThroughputSeconds));
        Assert.That(quick.MemcpySeconds, Is.LessThan(full.MemcpySeconds));
        Assert.That(quick.MaxLatencyFrames, Is.LessThan(full.MaxLatencyFrames));
    }

    [Test]
    public void Large_frames_get_a_slower_schedule_that_leaves_the_copy_three_quarters_idle()
    {
        var settings = new BenchSettings(BenchSettings.DefaultSizes, BenchSettings.DefaultConsumers, false, "o");
        const double memcpy = 10e9; // 10 GB/s

        LatencyPlan small = LatencyPlan.For(settings, 64, memcpy);
        LatencyPlan large = LatencyPlan.For(settings, 16 << 20, memcpy);

        Assert.That(small.RateHz, Is.EqualTo(settings.MaxRateHz));
        Assert.That(large.RateHz * (16 << 20) / memcpy, Is.EqualTo(0.25).Within(1e-9));
        Assert.That(large.Frames, Is.GreaterThanOrEqualTo(settings.MinLatencyFrames));
        Assert.That(small.Frames, Is.LessThanOrEqualTo(settings.MaxLatencyFrames));
        Assert.That(small.Warmup, Is.GreaterThanOrEqualTo(10));
    }

    [Test]
    public void Ratios_divide_as_documented_and_a_missing_baseline_gives_0()
    {
        var ipc = new TransportResult(new Percentiles(500, 0, 0, 0, 0, 1), 1000, 2.0, 1, 0, 0);
        var socket = new TransportResult(new Percentiles(5000, 0, 0, 0, 0, 1), 10, 0.1, 1, 0, 0);

        CellRatios r = CellRatios.Of(ipc, socket, floorP50Ns: 250, memcpyBytesPerSecond: 8e9);

        Assert.That(r.LatencyOverFloor, Is.EqualTo(2.0));
        Assert.That(r.BandwidthOverMemcpy, Is.EqualTo(0.25));
        Assert.That(r.SocketOverOurs, Is.EqualTo(10.0));
        Assert.That(CellRatios.Of(ipc, socket, 0, 0).LatencyOverFloor, Is.Zero);
    }

    [TestCase(64, 256, 64u)]
    [TestCase(100, 256, 128u)]
    [TestCase(1 << 20, 64, 1u << 20)]
    [TestCase(16 << 20, 4, 16u << 20)]
    [TestCase(256 << 20, 4, 256u << 20)]
    public void Rings_hold_at_most_64_MiB_of_payload_but_4_slots(int size, int slots, uint stride)
    {
        Assert.That(IpcCell.Geometry(size), Is.EqualTo((slots, stride)));
    }

    [TestCase(64, "64 B")]
    [TestCase(4096, "4 KiB")]
    [TestCase(1 << 20, "1 MiB")]
    [TestCase(1000, "1000 B")]
    public void Size_labels(int size, string label) => Assert.That(BenchSettings.SizeLabel(size), Is.EqualTo(label));
}
