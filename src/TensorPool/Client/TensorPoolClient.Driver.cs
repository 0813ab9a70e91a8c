using TensorPool.Agents;
using TensorPool.Consumers;
using TensorPool.DriverClient;
using TensorPool.Sbe.Driver;

namespace TensorPool.Client;

/// <summary>The driver model (driver spec §4): the client's driver connection and consumer leases.</summary>
public sealed partial class TensorPoolClient
{
    private readonly DriverConnection? _driver;

    /// <summary>The connection to the driver (<see cref="ClientOptions.Driver"/>), null in the no-driver deployment.</summary>
    public DriverConnection? Driver => _driver;

    /// <summary>A consumer lease for <paramref name="consumer"/> (its id as the client id), followed by its tracker.</summary>
    private void AttachConsumerLease(Consumer consumer)
    {
        AnnounceTracker tracker = consumer.Tracker!;
        try
        {
            // Announces are mapped only once the lease is granted (the grant sets the epoch floor).
            tracker.RequireEpoch(ulong.MaxValue);
            Task<DriverLease> attach = _driver!.AttachAsync(new AttachRequest(consumer.StreamId, Role.Consumer) { ClientId = consumer.ConsumerId },
                new DriverConsumerLink(tracker));
            WaitForDriver(attach);
            tracker.Lease = attach.GetAwaiter().GetResult();
        }
        catch
        {
            tracker.Close();
            consumer.Dispose();
            throw;
        }
    }

    /// <summary>Wait for a driver request; in invoker mode the conductor's duty cycle runs here meanwhile.</summary>
    private void WaitForDriver(Task task)
    {
        if (_invoker is null)
        {
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            return;
        }
        var idle = new SleepingIdleStrategy(TimeSpan.FromMilliseconds(1));
        while (!task.IsCompleted)
        {
            idle.Idle(_invoker.Invoke());
        }
    }
}
