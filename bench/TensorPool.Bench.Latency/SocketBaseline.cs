using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using TensorPool.Processes;

namespace TensorPool.Bench.Latency;

/// <summary>
/// The socket baselines: the same 64-byte messages over a Unix-domain stream socket with blocking reads, as a
/// fixed-rate one-way stream (same method as <see cref="IpcOneWay"/>) and as round trips (as <see cref="IpcPingPong"/>).
/// </summary>
internal static unsafe class SocketBaseline
{
    public static string RunOneWay(Session session, int messages, int rate)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        {
            string socketPath = path + ".sock";
            int total = Settings.Warmup + messages;
            using ChildProcess child = session.StartChild("socket-oneway", path, total.ToString(CultureInfo.InvariantCulture), socketPath);
            using Socket socket = ConnectWhenReady(page, child, socketPath);
            Span<byte> message = stackalloc byte[Settings.MessageLength];
            long allocated = FixedRate.Send(total, rate, message, m =>
            {
                UnixSockets.WriteAll(socket, m);
                return 1;
            });
            return $"{child.Result(Session.ChildTimeout)} sender-alloc-bytes={allocated}";
        }
    }

    public static int OneWayChild(SharedPage page, string[] args)
    {
        int total = int.Parse(args[0], CultureInfo.InvariantCulture);
        using Socket socket = AcceptWhenReady(page, args[1]);
        var recorder = new LatencyRecorder();
        Span<byte> message = stackalloc byte[Settings.MessageLength];
        for (int i = 0; i < total; i++)
        {
            if (!UnixSockets.ReadExactly(socket, message))
            {
                throw new InvalidOperationException($"socket closed after {i} messages");
            }
            long now = Clock.NowNs();
            if (BinaryPrimitives.ReadInt64LittleEndian(message[8..]) >= Settings.Warmup)
            {
                recorder.Record(now - BinaryPrimitives.ReadInt64LittleEndian(message));
            }
        }
        Console.WriteLine($"result {recorder.Summary()}");
        return 0;
    }

    public static string RunPingPong(Session session, int roundTrips)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        {
            string socketPath = path + ".sock";
            int total = Settings.Warmup + roundTrips;
            using ChildProcess child = session.StartChild("socket-pingpong", path, total.ToString(CultureInfo.InvariantCulture), socketPath);
            using Socket socket = ConnectWhenReady(page, child, socketPath);
            Span<byte> message = stackalloc byte[Settings.MessageLength];
            var oneWay = new LatencyRecorder();
            for (int i = 0; i < total; i++)
            {
                long start = Clock.NowNs();
                UnixSockets.WriteAll(socket, message);
                UnixSockets.ReadExactly(socket, message);
                long rtt = Clock.NowNs() - start;
                if (i >= Settings.Warmup)
                {
                    oneWay.Record(rtt / 2);
                }
            }
            child.Result(Session.ChildTimeout);
            return oneWay.Summary();
        }
    }

    public static int PingPongChild(SharedPage page, string[] args)
    {
        int total = int.Parse(args[0], CultureInfo.InvariantCulture);
        using Socket socket = AcceptWhenReady(page, args[1]);
        Span<byte> message = stackalloc byte[Settings.MessageLength];
        for (int i = 0; i < total; i++)
        {
            if (!UnixSockets.ReadExactly(socket, message))
            {
                throw new InvalidOperationException($"socket closed after {i} round trips");
            }
            UnixSockets.WriteAll(socket, message);
        }
        Console.WriteLine("result ok=1");
        return 0;
    }

    /// <summary>Listen at <paramref name="socketPath"/>, tell the parent, and accept its one connection.</summary>
    private static Socket AcceptWhenReady(SharedPage page, string socketPath)
    {
        using Socket listener = UnixSockets.Listen(socketPath);
        Volatile.Write(ref *page.ReadyWord, 1);
        return listener.Accept();
    }

    private static Socket ConnectWhenReady(SharedPage page, ChildProcess child, string socketPath)
    {
        if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
        {
            throw new TimeoutException("socket child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
        }
        return UnixSockets.Connect(socketPath);
    }
}
