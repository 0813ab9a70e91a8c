using TensorPool.Consumers;
using TensorPool.Frames;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>Collects each frame's leading int read in place, kept only when the frame was still valid after the read.</summary>
internal readonly struct IntCollector(List<int> seen) : IFrameHandler
{
    public void OnFrame(in Frame frame)
    {
        int value = BitConverter.ToInt32(frame.Payload);
        if (frame.IsStillValid())
        {
            seen.Add(value);
        }
    }
}
