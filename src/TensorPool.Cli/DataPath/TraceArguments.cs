using System.CommandLine;
using TensorPool.TraceLink;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// <c>--trace</c> and <c>--node-id</c> of <c>tp produce</c> and <c>tp relay</c>: trace the published stream (TraceLink
/// §8.1) with the driver's node id, or the configured one (§6.2).
/// </summary>
internal sealed class TraceArguments
{
    public Option<bool> Trace { get; } = new("--trace") { Description = "Give every frame a TraceLink trace id (non-zero; roots are minted, inputs' ids passed on)." };

    public Option<uint?> NodeId { get; } = new("--node-id") { Description = $"TraceLink node id of this process (0-{TraceId.MaxNodeId}, unique in the deployment); a driver's assigned id wins." };

    public void AddTo(Command command)
    {
        command.Options.Add(Trace);
        command.Options.Add(NodeId);
    }

    /// <summary>The settings with tracing, or null and a one-line error.</summary>
    public RunSettings? Apply(ParseResult parse, RunSettings settings, out string error)
    {
        error = "";
        bool trace = parse.GetValue(Trace);
        uint? node = parse.GetValue(NodeId);
        if (node is > TraceId.MaxNodeId)
        {
            error = $"--node-id {node} must be from 0 to {TraceId.MaxNodeId} (the 10 node bits of a trace id, TraceLink §6.2)";
            return null;
        }
        if (trace && node is null && settings.DriverChannel is null)
        {
            error = "--trace needs a node id unique in the deployment (TraceLink §6.2): --node-id N, or --driver-channel to take the driver's";
            return null;
        }
        return settings with { Trace = trace, TraceNodeId = node };
    }
}
