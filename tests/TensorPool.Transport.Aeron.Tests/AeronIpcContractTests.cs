using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>The transport contract (tests/TensorPool.Testing/TransportContract.cs) on aeron:ipc, through an embedded media driver.</summary>
[TestFixture]
public class AeronIpcContractTests : TransportContract
{
    private AeronTestDriver? _driver;

    protected override string Channel => "aeron:ipc?term-length=64k";

    // A late subscription joins where the media driver last placed the stream's slowest consumer: a driver thread that
    // has not run since the others read (a loaded machine) puts it before the live tail.
    protected override bool JoinsAtTheLiveTail => false;

    [OneTimeSetUp]
    public void StartDriver() => _driver = new AeronTestDriver();

    [OneTimeTearDown]
    public void StopDriver() => _driver?.Dispose();

    protected override ITransport CreateTransport() => _driver!.Transport();

    protected override void AwaitConnected(IPublication publication, ISubscription subscription) =>
        AeronWait.Connected((AeronPublication)publication, (AeronSubscription)subscription);
}
