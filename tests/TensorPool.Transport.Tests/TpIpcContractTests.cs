using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>The transport contract (tests/TensorPool.Testing/TransportContract.cs) on tp:ipc.</summary>
[TestFixture]
public class TpIpcContractTests : TransportContract
{
    private TempDirectory? _directory;

    protected override string Channel => "tp:ipc";

    protected override ITransport CreateTransport()
    {
        _directory = new TempDirectory();
        return new TpIpcTransport(new TpIpcOptions { BaseDir = _directory.Path, User = "tester" });
    }

    protected override void CleanUp() => _directory?.Dispose();
}
