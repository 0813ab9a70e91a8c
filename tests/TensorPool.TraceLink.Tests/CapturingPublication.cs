using TensorPool.Transport;

namespace TensorPool.TraceLink.Tests;

/// <summary>A publication that keeps what it was offered, or answers with a status it is told to.</summary>
internal sealed class CapturingPublication : IPublication
{
    public List<byte[]> Messages { get; } = [];

    /// <summary>When set, every offer returns this status instead of taking the message.</summary>
    public long? Answer { get; set; }

    public string Channel => "tp:ipc";

    public int StreamId => 1000;

    public int MaxMessageLength => 64 * 1024;

    public bool IsClosed => false;

    public long Offer(ReadOnlySpan<byte> message)
    {
        if (Answer is { } status)
        {
            return status;
        }
        Messages.Add(message.ToArray());
        return Messages.Count;
    }

    public void Dispose()
    {
    }
}
