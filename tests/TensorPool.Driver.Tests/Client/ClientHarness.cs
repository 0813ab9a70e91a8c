using TensorPool.Driver.Configuration;
using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Sbe.Driver;

namespace TensorPool.Driver.Tests.Client;

/// <summary>
/// A <see cref="DriverConnection"/> in invoker mode on the driver harness's clock and transport: both duty cycles are
/// run by the test, so every timer is deterministic.
/// </summary>
internal sealed class ClientHarness : IDisposable
{
    public ClientHarness(Action<DriverOptions>? configure = null, Action<DriverClientOptions>? client = null, bool startDriver = true)
    {
        Driver = new DriverHarness(configure);
        if (startDriver)
        {
            Driver.Start();
        }
        Options = new DriverClientOptions
        {
            Transport = Driver.ClientTransport,
            Clock = Driver.Clock,
            ResponseTimeout = TimeSpan.FromMilliseconds(500),
            AttachTimeout = TimeSpan.FromSeconds(5),
        };
        client?.Invoke(Options);
        Connection = new DriverConnection(Driver.ClientTransport, Options);
    }

    public DriverHarness Driver { get; }

    public DriverClientOptions Options { get; }

    public DriverConnection Connection { get; }

    public Recorder Events { get; } = new();

    /// <summary>Run both duty cycles a few times (the driver only when started).</summary>
    public void Pump(int cycles = 3)
    {
        for (int i = 0; i < cycles; i++)
        {
            if (ClientRunning)
            {
                Connection.DoWork();
            }
            if (DriverRunning)
            {
                Driver.Driver.DoWork();
            }
            if (ClientRunning)
            {
                Connection.DoWork();
            }
        }
        Driver.Collect();
    }

    /// <summary>False to simulate a dead driver (its duty cycle no longer runs).</summary>
    public bool DriverRunning { get; set; } = true;

    /// <summary>False to simulate a stalled client (its duty cycle no longer runs: no keepalives).</summary>
    public bool ClientRunning { get; set; } = true;

    public void Advance(TimeSpan by, int steps = 1)
    {
        for (int i = 0; i < steps; i++)
        {
            Driver.Clock.AdvanceNanos(by.Ticks * 100 / steps);
            Pump();
        }
    }

    /// <summary>Attach and pump until the task completes (bounded).</summary>
    public DriverLease Attach(AttachRequest request)
    {
        Task<DriverLease> task = Connection.AttachAsync(request, Events);
        for (int i = 0; i < 100 && !task.IsCompleted; i++)
        {
            Pump();
        }
        Assert.That(task.IsCompleted, Is.True, "attach did not complete");
        return task.GetAwaiter().GetResult();
    }

    public static AttachRequest Producer(uint stream = DriverHarness.Stream) => new(stream, Role.Producer);

    public static AttachRequest Consumer(uint stream = DriverHarness.Stream) => new(stream, Role.Consumer);

    public void Dispose()
    {
        Connection.Dispose();
        Driver.Dispose();
    }

    /// <summary>Records the listener calls in order.</summary>
    internal sealed class Recorder : IDriverLeaseListener
    {
        public List<string> Log { get; } = [];

        public void OnAttached(DriverLease lease, LeaseGrant grant) => Log.Add($"attached {grant.LeaseId} epoch {grant.Epoch}");

        public void OnLost(DriverLease lease, LeaseLossReason reason, string detail) => Log.Add($"lost {reason}");

        public void OnProducerRevoked(DriverLease lease, ulong producerLeaseId) => Log.Add("producer-revoked");

        public void OnEpochWaitTimedOut(DriverLease lease) => Log.Add("epoch-wait-timeout");

        public int Count(string prefix) => Log.Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }
}
