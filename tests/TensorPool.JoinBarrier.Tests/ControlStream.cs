using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>A tp:ipc transport over a private base dir (removed afterwards) and a raw reader of its control stream.</summary>
internal sealed class ControlStream : IDisposable
{
    public const string Channel = "tp:ipc";
    public const int StreamId = 1000;

    public ControlStream()
    {
        Directory = new TempDirectory();
        Transport = new TpIpcTransport(new TpIpcOptions { BaseDir = Directory.Path, User = "tester", LogCapacity = 256 * 1024 });
    }

    public TempDirectory Directory { get; }

    public TpIpcTransport Transport { get; }

    /// <summary>Every message now on the stream from <paramref name="subscription"/>'s position.</summary>
    public static List<byte[]> Drain(ISubscription subscription)
    {
        var messages = new List<byte[]>();
        while (subscription.Poll(m => messages.Add(m.ToArray()), 64) > 0)
        {
        }
        return messages;
    }

    public void Dispose()
    {
        Transport.Dispose();
        Directory.Dispose();
    }
}
