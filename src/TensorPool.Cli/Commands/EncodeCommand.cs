using System.CommandLine;
using System.Text;
using TensorPool.Sbe;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp encode FILE.json [-o OUT]</c>: the bytes of one SBE message from its JSON form (as
/// <c>tp decode --json</c> prints it), to OUT or standard output. Bad JSON or values exit with code 2.
/// </summary>
internal static class EncodeCommand
{
    private const string Help = """

        Examples:
          tp encode frame.json -o frame.bin
          tp decode frame.bin --json | sed 's/"seq": 42/"seq": 43/' > next.json && tp encode next.json -o next.bin

        Exit codes: 0 written; 2 a file that is missing, empty or not UTF-8, JSON that is not a message of the
        schemas (unknown name, schemaId or templateId, unknown key, out-of-range value), or an output that cannot
        be written (one line on standard error).
        """;

    public static Command Build()
    {
        var file = new Argument<string>("FILE") { Description = "A JSON file in the form `tp decode --json` prints." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the message to this file (default: standard output)." };
        var command = new Command("encode", "Encode one SBE message of the TensorPool schemas from JSON.\n" + Help) { file, output };
        command.SetAction(parse => Run(parse, parse.GetValue(file)!, parse.GetValue(output)));
        return command;
    }

    private static int Run(ParseResult parse, string path, string? outPath)
    {
        if (!CliErrors.TryReadFile(path, out byte[] bytes, out string error))
        {
            return CliErrors.BadInput(parse, "encode", path, error);
        }
        if (bytes.Length == 0)
        {
            return CliErrors.BadInput(parse, "encode", path, "empty file");
        }
        string json;
        try
        {
            json = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return CliErrors.BadInput(parse, "encode", path, "not UTF-8 text");
        }
        byte[] message;
        try
        {
            message = SbeJsonCodec.Encode(json);
        }
        catch (SbeJsonException e)
        {
            return CliErrors.BadInput(parse, "encode", path, e.Message);
        }
        try
        {
            if (outPath is null)
            {
                using Stream stdout = Console.OpenStandardOutput();
                stdout.Write(message);
            }
            else
            {
                File.WriteAllBytes(outPath, message);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliErrors.BadInput(parse, "encode", outPath ?? "stdout", e.Message);
        }
        return TpCommand.ExitOk;
    }
}
