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

    /// <summary>
    /// A consumer lease for <paramref name="consumer"/> (its id as the client id), followed by its tracker; the consumer
    /// joins the conductor once granted, and is disposed if the attach fails or is cancelled.
    /// </summary>
    private async Task<Consumer> AttachConsumerLeaseAsync(Consumer consumer, CancellationToken cancellationToken)
    {
        AnnounceTracker tracker = consumer.Tracker!;
        try
        {
            // Announces are mapped only once the lease is granted (the grant sets the epoch floor).
            tracker.RequireEpoch(ulong.MaxValue);
            var request = new AttachRequest(consumer.StreamId, Role.Consumer) { ClientId = consumer.ConsumerId };
            tracker.Lease = await _driver!.AttachAsync(request, new DriverConsumerLink(tracker), cancellationToken).ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(_disposed != 0, this); // disposed while the driver was being asked
        }
        catch
        {
            tracker.Close(); // detaches the lease if it was granted
            consumer.Dispose();
            throw;
        }
        _conductor.Add(consumer);
        return consumer;
    }

    /// <summary>
    /// The synchronous methods' wait: block until <paramref name="task"/> completes, or, in invoker mode, run the
    /// conductor's duty cycle here meanwhile (the driver's answer is processed by it). Exceptions come out unwrapped.
    /// </summary>
    private T WaitForDriver<T>(Task<T> task)
    {
        if (_invoker is not null && !task.IsCompleted)
        {
            var idle = new SleepingIdleStrategy(TimeSpan.FromMilliseconds(1));
            while (!task.IsCompleted)
            {
                idle.Idle(_invoker.Invoke());
            }
        }
        return task.GetAwaiter().GetResult();
    }
}
