using TensorPool.Consumers;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>Per test: a harness, a hand-driven producer (<see cref="CraftedStream"/>) and a consumer of its stream.</summary>
public abstract class CraftedStreamFixture
{
    internal Harness H { get; private set; } = null!;

    internal CraftedStream Crafted { get; private set; } = null!;

    protected Consumer Reader { get; private set; } = null!;

    [SetUp]
    public void CreateStream()
    {
        H = new Harness();
        Crafted = new CraftedStream(H);
        Reader = H.Client.AddConsumer(Crafted.Options.StreamId);
    }

    [TearDown]
    public void DisposeStream()
    {
        Reader.Dispose();
        Crafted.Dispose();
        H.Dispose();
    }
}
