using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>A tp:ipc transport over a private base dir under /dev/shm, removed afterwards.</summary>
internal sealed class TransportFixture : IDisposable
{
    public const string Channel = "tp:ipc";
    public const int StreamId = 1000;

    public TransportFixture(long capacity = 64 * 1024, TimeSpan? stallTimeout = null)
    {
        Directory = new TempDirectory();
        Options = new TpIpcOptions
        {
            BaseDir = Directory.Path,
            User = "tester",
            LogCapacity = capacity,
            StallTimeout = stallTimeout ?? TimeSpan.FromSeconds(30),
        };
        Transport = new TpIpcTransport(Options);
    }

    public TempDirectory Directory { get; }

    public TpIpcOptions Options { get; }

    public TpIpcTransport Transport { get; }

    public TpIpcPublication Publication() => Transport.AddPublication(Channel, StreamId);

    public TpIpcSubscription Subscription() => Transport.AddSubscription(Channel, StreamId);

    public void Dispose()
    {
        Transport.Dispose();
        Directory.Dispose();
    }
}
