// AsyncConsumer: consuming frames with async/await and cancellation. ReadFramesAsync hands out pooled copies
// (ReceivedFrame) that stay valid after the producer moves on, so they can cross awaits; dispose each one to return
// its buffer. Cancellation (Ctrl-C, SIGTERM, --seconds) ends the loop with an OperationCanceledException.
//
//   dotnet run --project examples/CameraProducer -- --seconds 0 &
//   dotnet run --project examples/AsyncConsumer -- --seconds 10
//
// Options: --seconds 10 (0: until Ctrl-C) --frames N (stop after N) --stream 10000 --shm-dir /dev/shm
// --namespace default.
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Examples;

using var cli = new ExampleArgs(args);
long limit = cli.Get("frames", long.MaxValue);

// ReadFramesAsync needs the client's conductor on its own thread (the default, ConductorMode.DedicatedThread).
using var client = TensorPoolClient.Connect(cli.CreateClientOptions());
using Consumer consumer = client.AddConsumer(cli.StreamId);
Console.WriteLine($"async: waiting for frames on stream {consumer.StreamId}");

long received = 0;
try
{
    await foreach (ReceivedFrame frame in consumer.ReadFramesAsync(cli.Stop))
    {
        using (frame)
        {
            received++;
            await ProcessAsync(frame, cli.Stop);
        }
        if (received >= limit)
        {
            break;
        }
    }
}
catch (OperationCanceledException)
{
    // Ctrl-C or --seconds: a normal end.
}

Console.WriteLine($"async: received {received} frames, {consumer.Counters.DropsTotal} dropped");
return 0;

// Stands in for real asynchronous work (an upload, a database write): the frame's bytes are ours until disposed.
static async Task ProcessAsync(ReceivedFrame frame, CancellationToken cancellationToken)
{
    long sum = 0;
    foreach (byte b in frame.Payload.Span[..Math.Min(64, frame.Payload.Length)])
    {
        sum += b;
    }
    await Task.Yield();
    cancellationToken.ThrowIfCancellationRequested();
    Console.WriteLine($"frame {frame.Seq} {frame.Dtype} {string.Join('x', frame.Dims)} {frame.Payload.Length} bytes, first-64-byte sum {sum}");
}
