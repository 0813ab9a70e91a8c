using System.Globalization;
using System.Net.Sockets;
using TensorPool.Processes;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The baseline a user would otherwise write: the same frames over Unix-domain stream sockets, one per consumer
/// process, each frame written whole to every socket in turn (fan-out) after a 16-byte header with the send time.
/// Same schedule and same delivery timing as the tp:ipc cell; throughput flat out (the socket blocks the sender).
/// </summary>
public static class SocketCell
{
    /// <summary>Measure the cell with <paramref name="peers"/>, once they stopped consuming, as receivers; they exit after.</summary>
    public static TransportResult Run(CellPeers peers, int size, LatencyPlan latency, double throughputSeconds)
    {
        var sockets = new List<Socket>();
        try
        {
            peers.WaitReady(); // listening
            foreach (string path in peers.SocketPaths)
            {
                sockets.Add(UnixSockets.Connect(path));
            }
            byte[] frame = new byte[FrameFormat.SocketHeaderLength + size];
            new FrameSource(size).Bytes.CopyTo(frame.AsSpan(FrameFormat.SocketHeaderLength));
            long t0 = Clock.NowNs() + 1_000_000;
            int total = latency.Warmup + latency.Frames;
            for (int i = 0; i < total; i++)
            {
                Clock.SpinUntil(t0 + (i * latency.PeriodNs));
                Send(sockets, frame, size, i < latency.Warmup ? FrameFormat.Warmup : FrameFormat.Latency);
            }
            long deadline = Clock.NowNs() + (long)(throughputSeconds * 1e9);
            while (Clock.NowNs() < deadline)
            {
                Send(sockets, frame, size, FrameFormat.Throughput);
            }
            Send(sockets, frame, size, FrameFormat.End);
            long delivered = 0;
            double slowestRate = double.MaxValue;
            var merged = new LatencyRecorder();
            foreach (ChildProcess child in peers.Children)
            {
                string result = child.Result(Session.ChildTimeout);
                delivered += ResultLine.Field(result, "received");
                slowestRate = Math.Min(slowestRate, ResultLine.Field(result, "rate_mhz") / 1000.0);
                merged.Add(LatencyRecorder.Decode(ResultLine.Text(result, "hist")));
            }
            return new TransportResult(merged.Percentiles(), slowestRate, slowestRate * size / 1e9, delivered, 0, 0);
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static void Send(List<Socket> sockets, byte[] frame, int size, long phase)
    {
        FrameFormat.WriteSocketHeader(frame, Clock.NowNs(), size, phase);
        foreach (Socket socket in sockets)
        {
            UnixSockets.WriteAll(socket, frame);
        }
    }

    /// <summary>
    /// The receiver (the second life of a <see cref="CellPeers"/> child): <c>SOCKET SIZE</c>. Listens, prints <c>ready</c>, accepts one
    /// connection and reads whole frames (blocking reads) until the end frame; prints <c>result received= rate_mhz= hist=</c>.
    /// </summary>
    public static int Child(string[] args)
    {
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        Socket socket;
        using (Socket listener = UnixSockets.Listen(args[0]))
        {
            Console.WriteLine("ready");
            if (!listener.Poll(TimeSpan.FromSeconds(60), SelectMode.SelectRead))
            {
                Console.Error.WriteLine("socket receiver: nobody connected within 60 s");
                return 1;
            }
            socket = listener.Accept();
        }
        using (socket)
        {
            byte[] frame = new byte[FrameFormat.SocketHeaderLength + size];
            var latency = new LatencyRecorder();
            long received = 0, counted = 0, first = 0, last = 0;
            while (true)
            {
                if (!UnixSockets.ReadExactly(socket, frame))
                {
                    throw new InvalidOperationException($"the sender closed the socket after {received} frames");
                }
                long now = Clock.NowNs();
                if (!FrameFormat.TryReadSocketHeader(frame, size, out long sent, out long phase))
                {
                    throw new InvalidOperationException($"frame {received}: header does not describe a {size}-byte frame");
                }
                if (phase == FrameFormat.End)
                {
                    break;
                }
                received++;
                if (phase == FrameFormat.Latency)
                {
                    latency.Record(now - sent);
                }
                else if (phase == FrameFormat.Throughput)
                {
                    first = counted++ == 0 ? now : first;
                    last = now;
                }
            }
            double rate = counted > 1 && last > first ? (counted - 1) / ((last - first) / 1e9) : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"result received={received} rate_mhz={(long)(rate * 1000)} hist={latency.Encode()}"));
        }
        return 0;
    }
}
