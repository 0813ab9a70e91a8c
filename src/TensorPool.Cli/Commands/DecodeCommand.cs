using System.CommandLine;
using System.Text.Json;
using TensorPool.Cli.Messages;
using TensorPool.Sbe;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp decode FILE [--json]</c>: one SBE message (8-byte header, then the body) from a file, printed
/// as JSON in the form of the reference .json files, or as readable text. Bad files exit with code 2.
/// </summary>
internal static class DecodeCommand
{
    private const string Help = """

        Examples:
          tp decode ../shared/reference/messages/shm_pool_announce.bin
          tp decode frame.bin --json > frame.json
          tp listen --stream 1100 --count 1 --json > one.json   # then: tp encode one.json | tp decode /dev/stdin

        Exit codes: 0 decoded; 2 a file that is missing, empty, too short, of an unknown schema or template, not a
        valid message, or with bytes after the message (one line on standard error).
        """;

    public static Command Build()
    {
        var file = new Argument<string>("FILE") { Description = "A file holding one SBE message (message header first)." };
        var json = new Option<bool>("--json") { Description = "Print JSON (keys sorted, as the reference .json files)." };
        var command = new Command("decode", "Decode one SBE message of the TensorPool schemas (900, 901, 903, 904, 910).\n" + Help) { file, json };
        command.SetAction(parse => Run(parse, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(ParseResult parse, string path, bool asJson)
    {
        if (!CliErrors.TryReadFile(path, out byte[] bytes, out string error))
        {
            return CliErrors.BadInput(parse, "decode", path, error);
        }
        if (bytes.Length == 0)
        {
            return CliErrors.BadInput(parse, "decode", path, "empty file");
        }
        if (!SbeMessageHeader.TryRead(bytes, out SbeMessageHeader header))
        {
            return CliErrors.BadInput(parse, "decode", path, $"{bytes.Length} bytes: too short for a message header (8 bytes)");
        }
        if (!SbeJsonCodec.TryDecode(bytes, out string text, out int length, out SbeRejectReason reason))
        {
            return CliErrors.BadInput(parse, "decode", path, MessageText.Describe(header, reason));
        }
        if (length != bytes.Length)
        {
            return CliErrors.BadInput(parse, "decode", path,
                $"{bytes.Length - length} bytes after the {length}-byte {SbeSchemas.MessageName(header.SchemaId, header.TemplateId)} message");
        }
        TextWriter output = parse.InvocationConfiguration.Output;
        if (asJson)
        {
            output.WriteLine(text);
        }
        else
        {
            using JsonDocument doc = JsonDocument.Parse(text);
            WriteReadable(output, doc.RootElement);
        }
        return TpCommand.ExitOk;
    }

    private static void WriteReadable(TextWriter output, JsonElement root)
    {
        output.WriteLine(MessageText.Title(root));
        MessageText.WriteFields(output, root, "  ");
    }
}
