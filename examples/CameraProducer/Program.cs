// CameraProducer: a camera-style producer. It publishes width x height frames (uint8, 12-bit uint16 or float32
// intensities) at a fixed rate, each written in place into shared memory: claim a slot, describe the tensor, fill
// the pixels where they lie, commit. Consumers anywhere on the host map the producer's regions when they see its
// announce and read the frames without a copy.
//
//   dotnet run --project examples/CameraProducer -- --rate 30 --seconds 10 --dtype uint8
//
// Options: --width 640 --height 480 --dtype uint8|uint16|float32 --rate 30 (frames/s) --seconds 10 (0: until
// Ctrl-C) --stream 10000 --shm-dir /dev/shm --namespace default.
using System.Diagnostics;
using System.Runtime.InteropServices;
using TensorPool.Client;
using TensorPool.Examples;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

using var cli = new ExampleArgs(args);
int width = cli.Get("width", 640);
int height = cli.Get("height", 480);
double rate = cli.Get("rate", 30.0);
Dtype dtype = cli.Get("dtype", "uint8") switch
{
    "uint8" => Dtype.Uint8,
    "uint16" => Dtype.Uint16,
    "float32" => Dtype.Float32,
    string other => throw new ArgumentException($"--dtype {other}: expected uint8, uint16 or float32"),
};
int bytesPerPixel = dtype switch { Dtype.Uint8 => 1, Dtype.Uint16 => 2, _ => 4 };
int frameBytes = width * height * bytesPerPixel;

// One client per process: it owns the transport (tp:ipc) and the conductor thread that announces our regions.
using var client = TensorPoolClient.Connect(cli.CreateClientOptions());

// A header ring of 16 slots and one payload pool whose slots hold exactly one frame (rounded up to 64 bytes, §9).
// More slots give slow consumers more time before a frame they have not read yet is overwritten.
using Producer producer = client.AddProducer(new ProducerOptions
{
    StreamId = cli.StreamId,
    HeaderNslots = 16,
    Pools = [new PayloadPoolOptions(1, (uint)((frameBytes + 63) / 64 * 64))],
    Name = "camera-0",
});
Console.WriteLine($"camera: stream {producer.StreamId}, epoch {producer.Epoch}, {width}x{height} {dtype.ToString().ToLowerInvariant()}, {rate} Hz");
Console.WriteLine($"camera: header ring {producer.HeaderRegionUri}");

int[] shape = [height, width]; // row-major, contiguous: strides are inferred
long period = rate > 0 ? (long)(Stopwatch.Frequency / rate) : 0;
long next = Stopwatch.GetTimestamp();
long published = 0;
while (!cli.Stop.IsCancellationRequested)
{
    if (!producer.TryClaim(frameBytes, out FrameClaim claim))
    {
        throw new InvalidOperationException("no pool holds a frame"); // cannot happen: the pool was sized for it
    }
    claim.SetTensor(dtype, shape);
    Expose(claim.Payload, dtype, width, height, published); // the "sensor" writes straight into shared memory
    producer.Commit(ref claim);                            // seqlock commit, then the FrameDescriptor
    published++;

    // Pace the camera; a real one would block in its driver until the next exposure.
    next += period;
    while (period > 0 && Stopwatch.GetTimestamp() < next && !cli.Stop.IsCancellationRequested)
    {
        Thread.Sleep(TimeSpan.FromTicks(Math.Max(0, (next - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
    }
}
Console.WriteLine($"camera: published {published} frames");
return 0;

// A moving diagonal gradient: pixel (y, x) of frame n is (x + y + n) modulo 256, scaled to the element type.
static void Expose(Span<byte> payload, Dtype dtype, int width, int height, long frame)
{
    for (int y = 0; y < height; y++)
    {
        for (int x = 0; x < width; x++)
        {
            int level = (int)((x + y + frame) & 0xFF);
            int i = (y * width) + x;
            switch (dtype)
            {
                case Dtype.Uint8:
                    payload[i] = (byte)level;
                    break;
                case Dtype.Uint16:
                    MemoryMarshal.Cast<byte, ushort>(payload)[i] = (ushort)(level << 4); // a 12-bit sensor
                    break;
                default:
                    MemoryMarshal.Cast<byte, float>(payload)[i] = level / 255f;
                    break;
            }
        }
    }
}
