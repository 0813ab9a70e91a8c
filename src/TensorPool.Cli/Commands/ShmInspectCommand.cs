using System.CommandLine;
using TensorPool.Cli.Shm;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp shm inspect PATH [--json]</c>: a shared-memory region file read as hostile input (regular file only,
/// never following a symlink, bounds checked against its superblock), safe on a live region: its superblock,
/// a validation verdict, and for a header ring every slot's state with the verdict a consumer would reach.
/// Exit 0 when the file is a valid region (slots may still be writing or dropped: that is state, not
/// damage); exit 2 with one line on standard error otherwise (the report still goes to standard output when
/// the superblock could be read).
/// </summary>
internal static class ShmInspectCommand
{
    private const string Examples = """

        Reads a header ring (header.ring), a payload pool (<pool_id>.pool), a saved 64-byte superblock or a bare
        256-byte header slot, live or not: each slot is copied under its seqlock (§8.3); a slot being written
        shows as "writing". For a header ring, the pools its slots name are looked for beside it as
        <pool_id>.pool (§15.21a.3); without them the pool rules are reported as not checked.

        Examples:
          tp shm inspect /dev/shm/tensorpool-$USER/default/10000/1/header.ring
          tp shm inspect /dev/shm/tensorpool-$USER/default/10000/1/1.pool
          tp shm inspect header.ring --json | jq '.slots[] | select(.verdict != "TP_FRAME_OK")'

        Exit codes: 0 a valid region; 2 a file that is missing, not a regular file, a symlink, empty, too short,
        not a TensorPool layout, or a region whose superblock or size is invalid (one line on standard error).
        """;

    public static Command Build()
    {
        var path = new Argument<string>("PATH") { Description = "The region file to inspect." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object instead of text (keys: docs/user-guide.md, \"Inspecting shared memory\").",
        };
        var inspect = new Command("inspect", "Show a region file's superblock, validation verdict and slots (wire spec §7-§9).\n" + Examples)
        {
            path,
            json,
        };
        inspect.SetAction(parse => Run(parse, parse.GetValue(path)!, parse.GetValue(json)));
        return new Command("shm", "Shared-memory regions: header rings and payload pools (wire spec §6-§9, §15.21a).") { inspect };
    }

    private static int Run(ParseResult parse, string path, bool asJson)
    {
        if (!RegionInspection.TryOpen(path, out RegionInspection? inspection, out string error) || inspection is null)
        {
            return CliErrors.BadInput(parse, "shm inspect", path, error);
        }
        using (inspection)
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            using var jsonWriter = asJson ? new JsonReportWriter(output) : null;
            IReportWriter writer = jsonWriter ?? (IReportWriter)new TextReportWriter(output);
            writer.Begin(inspection.Region);
            writer.End(inspection.ReadSlots(writer));
            output.Flush();
            RegionReport region = inspection.Region;
            return region.Valid ? TpCommand.ExitOk : CliErrors.BadInput(parse, "shm inspect", path, region.Diagnosis!);
        }
    }
}
