using System.Diagnostics;
using System.Text;
using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>Raw driver requests from the test process to a `tp driver` process, with any byte values.</summary>
internal sealed class RawClient : IDisposable
{
    private readonly TpIpcTransport _transport;
    private readonly TpIpcPublication _requests;
    private readonly TpIpcSubscription _control;
    private readonly List<byte[]> _received = [];
    private readonly byte[] _buffer = new byte[512];

    public RawClient(DriverProcess driver)
    {
        _transport = new TpIpcTransport(new TpIpcOptions { BaseDir = driver.IpcDir, Namespace = DriverProcess.Namespace });
        _control = _transport.AddSubscription("tp:ipc", 1000);
        _requests = _transport.AddPublication("tp:ipc", 1000);
    }

    /// <summary>An attach request; the enum bytes are written raw so unknown values can be sent.</summary>
    public byte[] Attach(long correlationId, uint clientId, uint stream, byte role = (byte)Role.Producer, byte publishMode = (byte)PublishMode.ExistingOrCreate,
        uint layout = 0, byte hugepages = (byte)HugepagesPolicy.Unspecified)
    {
        var e = ShmAttachRequestEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = correlationId;
        e.StreamId = stream;
        e.ClientId = clientId;
        e.Role = (Role)role;
        e.ExpectedLayoutVersion = layout;
        e.PublishMode = (PublishMode)publishMode;
        e.RequireHugepages = (HugepagesPolicy)hugepages;
        return _buffer.AsSpan(0, e.EncodedLength).ToArray();
    }

    /// <summary>Send <paramref name="request"/> until the attach response with its id arrives.</summary>
    public (ResponseCode Code, string Message) Request(byte[] request, long correlationId) =>
        Exchange<(ResponseCode, string)>(request, m => ShmAttachResponseDecoder.TryWrap(m, out ShmAttachResponseDecoder r, out _) && r.CorrelationId == correlationId &&
            r.TryGetCode(out ResponseCode code) ? (code, Encoding.ASCII.GetString(r.ErrorMessage)) : null, $"correlation id {correlationId}");

    /// <summary>
    /// Send <paramref name="hello"/> (from <see cref="ConsumerHellos"/>) until a ConsumerConfig for
    /// <paramref name="consumerId"/> arrives; returns its per-consumer assignment.
    /// </summary>
    public (uint DescriptorId, string DescriptorChannel, uint ControlId, string ControlChannel) ConsumerConfig(byte[] hello, uint consumerId) =>
        Exchange<(uint, string, uint, string)>(hello, m => ConsumerConfigDecoder.TryWrap(m, out ConsumerConfigDecoder c, out _) && c.ConsumerId == consumerId
            ? (c.DescriptorStreamId, c.GetDescriptorChannelString(), c.ControlStreamId, c.GetControlChannelString()) : null,
            $"ConsumerConfig for consumer {consumerId}");

    /// <summary>Send <paramref name="request"/> (retransmitted each second) until a received message matches.</summary>
    private T Exchange<T>(byte[] request, Func<byte[], T?> match, string what) where T : struct
    {
        var clock = Stopwatch.StartNew();
        TimeSpan nextSend = TimeSpan.Zero;
        while (clock.Elapsed < Wait.Patience)
        {
            if (clock.Elapsed >= nextSend)
            {
                _ = _requests.Offer(request);
                nextSend = clock.Elapsed + TimeSpan.FromSeconds(1);
            }
            Poll();
            foreach (byte[] m in _received)
            {
                if (match(m) is T found)
                {
                    return found;
                }
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException("no answer: " + what);
    }

    public void Shutdown(string token)
    {
        var s = ShmDriverShutdownRequestEncoder.WrapAndApplyHeader(_buffer);
        s.CorrelationId = 9;
        s.Reason = ShutdownReason.Admin;
        s.PutToken(token.AsSpan());
        s.PutErrorMessage("test".AsSpan());
        Assert.That(_requests.Offer(_buffer.AsSpan(0, s.EncodedLength)), Is.GreaterThanOrEqualTo(0));
    }

    /// <summary>Driver-schema messages of <paramref name="templateId"/> read so far.</summary>
    public int Received(int templateId)
    {
        Poll();
        return _received.Count(m => SbeMessageHeader.TryRead(m, out SbeMessageHeader h) && h.SchemaId == 901 && h.TemplateId == templateId);
    }

    private void Poll() => _control.Poll(m => _received.Add(m.ToArray()), 1000);

    public void Dispose()
    {
        _control.Dispose();
        _requests.Dispose();
        _transport.Dispose();
    }
}
