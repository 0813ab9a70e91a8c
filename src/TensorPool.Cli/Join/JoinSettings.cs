using TensorPool.Cli.DataPath;
using TensorPool.JoinBarrier.Stage;

namespace TensorPool.Cli.Join;

/// <summary>What <c>tp join</c> was asked: the stage's options, where to connect and how long to run.</summary>
internal sealed record JoinSettings
{
    public required JoinStageOptions Stage { get; init; }

    public required RunSettings Run { get; init; }
}
