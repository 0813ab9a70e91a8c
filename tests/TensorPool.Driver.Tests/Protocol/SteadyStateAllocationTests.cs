using TensorPool.Sbe.Driver;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>After start-up the duty cycle allocates nothing for keepalives, announces and idle polling.</summary>
public sealed class SteadyStateAllocationTests
{
    [Test]
    public void Keepalives_announces_and_idle_cycles_allocate_nothing()
    {
        using var h = new DriverHarness(o => o.AnnouncePeriodMs = 1);
        ulong p = h.Lease(h.Attach(1, 7, Role.Producer));
        ulong c = h.Lease(h.Attach(2, 8, Role.Consumer));
        byte[] keepalive = KeepaliveBytes(p, 7, Role.Producer);
        byte[] keepalive2 = KeepaliveBytes(c, 8, Role.Consumer);
        Warm(h, keepalive, keepalive2, 200);
        (long allocated, int windows) = TensorPool.Testing.SteadyState.AllocatedBytes(() => Warm(h, keepalive, keepalive2, 1000));
        Assert.That(allocated, Is.Zero, "bytes allocated by 1000 cycles of keepalives and announces");
        Assert.That(h.Driver.Counters.Keepalives, Is.EqualTo(2 * (200 + (1000 * windows))));
    }

    private static void Warm(DriverHarness h, byte[] a, byte[] b, int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            if (h.SendRaw(a) < 0 || h.SendRaw(b) < 0)
            {
                throw new InvalidOperationException("offer failed");
            }
            h.Clock.AdvanceNanos(1_000_000);
            h.Driver.DoWork();
            h.Driver.DoWork();
        }
    }

    private static byte[] KeepaliveBytes(ulong lease, uint client, Role role)
    {
        byte[] buffer = new byte[64];
        var k = ShmLeaseKeepaliveEncoder.WrapAndApplyHeader(buffer);
        k.LeaseId = lease;
        k.StreamId = DriverHarness.Stream;
        k.ClientId = client;
        k.Role = role;
        return buffer[..k.EncodedLength];
    }
}
