using TensorPool.Frames;

namespace TensorPool.Consumers;

/// <summary>
/// Receives frames from <see cref="Consumer.Poll{THandler}(ref THandler, int)"/>. A struct handler passed by reference
/// keeps polling free of allocation and keeps its state across calls.
/// </summary>
public interface IFrameHandler
{
    /// <summary>One frame, read in place; valid only during the call (see <see cref="Frame"/>).</summary>
    void OnFrame(in Frame frame);
}

/// <summary>Delegate form of <see cref="IFrameHandler"/> (a static lambda is cached: no allocation per poll).</summary>
public delegate void FrameHandler(in Frame frame);
