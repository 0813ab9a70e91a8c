namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>Which process the crash matrix kills.</summary>
internal enum Victim
{
    Producer,
    Consumer,
    Driver,
}

/// <summary>What the test does to reach the armed step, once frames flow.</summary>
internal enum Trigger
{
    /// <summary>The step comes by itself (attach, claim, commit, keepalive...).</summary>
    None,

    /// <summary>The producer is told to stop: it detaches.</summary>
    StopProducer,

    /// <summary>The consumer is told to stop: it detaches.</summary>
    StopConsumer,

    /// <summary>The test SIGKILLs the driver and starts a new one: clients are granted new leases and epochs.</summary>
    KillDriver,
}

/// <summary>One row of the crash matrix: kill <see cref="Victim"/> at <see cref="Fault"/> (<c>TP_FAULT_AT</c>).</summary>
public sealed record CrashCase(string Name, string Fault, string Mode = "claim")
{
    internal Victim Victim { get; init; }

    internal Trigger Trigger { get; init; }

    public override string ToString() => Name;
}
