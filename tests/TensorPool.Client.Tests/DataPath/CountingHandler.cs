using TensorPool.Consumers;
using TensorPool.Frames;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>Counts the frames delivered (allocation-free, passed by reference to <c>Consumer.Poll</c>).</summary>
internal struct CountingHandler : IFrameHandler
{
    public long Frames;

    public void OnFrame(in Frame frame) => Frames++;
}
