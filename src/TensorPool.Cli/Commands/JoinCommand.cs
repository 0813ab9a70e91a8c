using System.CommandLine;
using TensorPool.Cli.Join;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp join</c>: an N→1 stage (JoinBarrier spec): reads N input streams, gates outputs with a sequence, timestamp or
/// latest-value barrier, stacks the aligned inputs into one output frame, and is the output's MergeMap authority.
/// </summary>
internal static class JoinCommand
{
    private const string Help = """

        Output tensor: one row per input, in --input order. Inputs that are all row-major contiguous tensors of one
        dtype and shape [d0..dk] give that dtype with shape [N, d0..dk]; otherwise UINT8 [N, L], L the largest input
        payload, each row an input's bytes. An input absent from an output (stale, --stale-timeout-ms) is a row of zeros.

        With --trace, each output frame gets a TraceLink trace id minted from its input frames' trace ids, and a
        TraceLinkSet naming them (in --input order) goes on the control stream: an N->1 stage. One traced input's id is
        reused; with none traced, the output frame is a root.

        Barriers: sequence (output seq n takes each input's frame n + offset, or the newest of a window);
        timestamp (the first input paces: each of its frames is an out_time, matched on SlotHeader timestamps with
        --lateness-ns); latest (an output whenever an input has a new frame, from each input's newest frame).

        Examples:
          tp join --input 10001 --input 10002 --output 20000
          tp join --input 10001 --input 10002 --output 20000 --barrier timestamp --lateness-ns 20000000 --seconds 10 --json
          tp join --input 10001 --input 10002 --output 20000 --trace --node-id 7

        Exit codes: 0 done; 1 failure; 2 bad arguments (one line on standard error).
        """;

    public static Command Build()
    {
        var parser = new JoinCommandParser();
        var command = new Command("join", "Join N input streams into one output stream through a join barrier.\n" + Help);
        parser.AddTo(command);
        command.SetAction(parse =>
        {
            JoinSettings? settings = parser.Parse(parse, out string error);
            if (settings is null)
            {
                return CliErrors.BadInput(parse, "join", "arguments", error);
            }
            return new JoinRun(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
        });
        return command;
    }
}
