// FrameStats: a consumer that computes statistics of every float32 frame in place. The frame is a
// ReadOnlyTensorSpan<float> over the producer's shared memory: no copy. Because the producer may overwrite a slot
// while we read it (we never hold it up), a result counts only if IsStillValid() confirms the frame was intact.
//
//   dotnet run --project examples/CameraProducer -- --dtype float32 --seconds 0 &
//   dotnet run --project examples/FrameStats -- --seconds 10
//
// Options: --seconds 10 (0: until Ctrl-C) --frames N (stop after N) --stream 10000 --shm-dir /dev/shm
// --namespace default.
using System.Globalization;
using System.Numerics.Tensors;
using TensorPool.Agents;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Examples;
using TensorPool.Frames;
using TensorPool.Sbe.Wire;

using var cli = new ExampleArgs(args);
long limit = cli.Get("frames", long.MaxValue);
using var client = TensorPoolClient.Connect(cli.CreateClientOptions());
using Consumer consumer = client.AddConsumer(cli.StreamId);
Console.WriteLine($"stats: waiting for frames on stream {consumer.StreamId}");

long valid = 0, torn = 0, skipped = 0;
// The handler runs on the polling thread, once per frame, while the frame is still in the producer's slot.
// Created once: a lambda written inside the loop would allocate a delegate per poll.
FrameHandler onFrame = (in Frame frame) =>
{
    if (frame.Dtype != Dtype.Float32)
    {
        skipped++; // this example reads float32 tensors only
        return;
    }
    ReadOnlyTensorSpan<float> image = frame.AsTensorSpan<float>(); // shape and strides from the slot header
    float min = Tensor.Min(image);
    float max = Tensor.Max(image);
    double mean = Tensor.Sum(image) / (double)image.FlattenedLength;
    float center = image.Rank == 2 ? image[(nint)(image.Lengths[0] / 2), (nint)(image.Lengths[1] / 2)] : float.NaN;

    // Statistics of a frame the producer overwrote meanwhile would mix two frames: drop them.
    if (!frame.IsStillValid())
    {
        torn++;
        return;
    }
    valid++;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"frame {frame.Seq} {string.Join('x', image.Lengths.ToArray())} min {min:F4} max {max:F4} mean {mean:F4} center {center:F4}"));
};

var idle = new BackoffIdleStrategy();
while (!cli.Stop.IsCancellationRequested && valid < limit)
{
    idle.Idle(consumer.Poll(onFrame, limit: (int)Math.Min(16, limit - valid))); // never past --frames
}

ConsumerCounters counters = consumer.Counters;
Console.WriteLine($"stats: {valid} frames, {torn} overwritten while read, {skipped} not float32, {counters.DropsTotal} dropped by the consumer");
return 0;
