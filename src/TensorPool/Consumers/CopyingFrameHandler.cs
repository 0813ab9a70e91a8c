using System.Buffers;
using TensorPool.Frames;

namespace TensorPool.Consumers;

/// <summary>Copies each frame into a pooled buffer and keeps the copies that passed the seqlock check.</summary>
internal readonly struct CopyingFrameHandler(Queue<ReceivedFrame> ready) : IFrameHandler
{
    public Queue<ReceivedFrame> Ready { get; } = ready;

    public void OnFrame(in Frame frame)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)frame.ValuesLenBytes));
        if (frame.TryCopyTo(buffer))
        {
            Ready.Enqueue(new ReceivedFrame(frame, buffer));
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer); // overwritten while copied: counted late by the consumer
        }
    }
}
