using System.Net.Sockets;

namespace TensorPool.Bench;

/// <summary>The Unix-domain stream socket pair of the socket baselines (the way two local processes usually talk).</summary>
public static class UnixSockets
{
    public static Socket Listen(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return listener;
    }

    public static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>Blocking read of exactly <paramref name="buffer"/>.Length bytes; false at end of stream.</summary>
    public static bool ReadExactly(Socket socket, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = socket.Receive(buffer[done..]);
            if (n == 0)
            {
                return false;
            }
            done += n;
        }
        return true;
    }

    public static void WriteAll(Socket socket, ReadOnlySpan<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            done += socket.Send(buffer[done..]);
        }
    }
}
