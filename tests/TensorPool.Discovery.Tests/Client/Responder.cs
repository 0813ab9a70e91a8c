using System.Text;
using TensorPool.Sbe.Discovery;
using TensorPool.Transport;

namespace TensorPool.Discovery.Tests.Client;

/// <summary>
/// A fake provider on a loopback transport: a thread reads requests on (channel, stream) and answers each with the
/// messages <see cref="Answer"/> builds (any bytes, valid or not), on the endpoint the request named.
/// </summary>
internal sealed class Responder : IDisposable
{
    private readonly ITransport _transport;
    private readonly ISubscription _requests;
    private readonly Thread _thread;
    private volatile bool _running = true;

    public Responder(ITransport transport, string channel, int streamId, Func<Request, IEnumerable<byte[]>> answer)
    {
        _transport = transport;
        _requests = transport.AddSubscription(channel, streamId);
        Answer = answer;
        _thread = new Thread(Run) { IsBackground = true, Name = "responder" };
        _thread.Start();
    }

    public Func<Request, IEnumerable<byte[]>> Answer { get; set; }

    public List<Request> Received { get; } = [];

    public void Dispose()
    {
        _running = false;
        _thread.Join();
        _requests.Dispose();
    }

    private void Run()
    {
        while (_running)
        {
            var batch = new List<Request>();
            _requests.Poll(m =>
            {
                if (DiscoveryRequestDecoder.TryWrap(m, out DiscoveryRequestDecoder d, out _))
                {
                    var tags = new List<string>();
                    foreach (DiscoveryRequestDecoder.TagsDecoder t in d.Tags)
                    {
                        tags.Add(Encoding.Latin1.GetString(t.Tag));
                    }
                    batch.Add(new Request(d.RequestId, d.ClientId, Encoding.ASCII.GetString(d.ResponseChannel), d.ResponseStreamId,
                        d.StreamId, d.ProducerId, d.DataSourceId, Encoding.Latin1.GetString(d.DataSourceName), tags));
                }
            }, 16);
            foreach (Request r in batch)
            {
                lock (Received)
                {
                    Received.Add(r);
                }
                using IPublication p = _transport.AddPublication(r.ResponseChannel, (int)r.ResponseStreamId);
                foreach (byte[] message in Answer(r))
                {
                    p.Offer(message);
                }
            }
            Thread.Sleep(1);
        }
    }

    internal sealed record Request(ulong RequestId, uint ClientId, string ResponseChannel, uint ResponseStreamId, uint? StreamId,
        uint? ProducerId, ulong? DataSourceId, string Name, List<string> Tags);
}
