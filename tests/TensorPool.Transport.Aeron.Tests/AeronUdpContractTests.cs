using System.Net;
using System.Net.Sockets;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>The transport contract on aeron:udp over the loopback interface, through an embedded media driver.</summary>
[TestFixture]
public class AeronUdpContractTests : TransportContract
{
    private AeronTestDriver? _driver;
    private string _channel = string.Empty;

    protected override string Channel => _channel;

    protected override TimeSpan AsyncSettle => TimeSpan.FromMilliseconds(300);

    // A second subscription in the same media driver starts where the driver's image of the stream stands.
    protected override bool JoinsAtTheLiveTail => false;

    [OneTimeSetUp]
    public void StartDriver()
    {
        _driver = new AeronTestDriver();
        _channel = $"aeron:udp?endpoint=127.0.0.1:{FreeUdpPort()}|term-length=64k";
    }

    [OneTimeTearDown]
    public void StopDriver() => _driver?.Dispose();

    protected override ITransport CreateTransport() => _driver!.Transport();

    protected override void AwaitConnected(IPublication publication, ISubscription subscription) =>
        AeronWait.Connected((AeronPublication)publication, (AeronSubscription)subscription);

    internal static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
