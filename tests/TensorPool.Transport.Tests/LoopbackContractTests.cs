using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>
/// The transport contract on the in-process loopback transport the protocol tests use, so that what those tests
/// prove holds on the real transports too. The loopback counts no bytes and lets a disposed subscription poll nothing.
/// </summary>
[TestFixture]
public class LoopbackContractTests : TransportContract
{
    protected override string Channel => "tp:ipc";

    protected override bool PollAfterDisposeThrows => false;

    protected override bool CountsReceivedBytes => false;

    protected override ITransport CreateTransport() => new LoopbackTransport(capacity: 512, maxMessageLength: 16 * 1024);
}
