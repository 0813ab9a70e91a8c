using System.CommandLine;

namespace TensorPool.Cli.Commands;

/// <summary>
/// The one error path of every command: one line on standard error, <c>tp &lt;command&gt;: &lt;subject&gt;: &lt;why&gt;</c>,
/// exit code 2 for bad input and 1 for a failed operation; stack traces only with <c>--verbose</c>.
/// </summary>
internal static class CliErrors
{
    /// <summary>"tp shm inspect": the command a parse result names.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.CommandResult? c = parse.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(c.Command is RootCommand ? "tp" : c.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>
    /// An exception a command did not handle: one line naming its type and message (and the inner exception's),
    /// the stack trace after it with <c>--verbose</c>. Exit 2 when it is about input (an argument, a path, a file
    /// format), else 1.
    /// </summary>
    public static int Unexpected(ParseResult parse, TextWriter error, Exception e)
    {
        if (IsExpected(e))
        {
            // A refusal the user can act on (the driver refused the attach, a path or file was refused, another driver
            // runs): its message alone, no type name and no stack-trace hint, which read as a crash.
            error.WriteLine($"{CommandPath(parse)}: {e.Message}".ReplaceLineEndings(" "));
            if (parse.GetValue(TpCommand.Verbose))
            {
                error.WriteLine(e.ToString());
            }
            return e is TensorPoolPathException or TensorPoolFileFormatException ? TpCommand.ExitBadInput : TpCommand.ExitFailure;
        }
        string line = $"{CommandPath(parse)}: {e.GetType().Name}: {e.Message}";
        if (e.InnerException is { } inner)
        {
            line += $" ({inner.GetType().Name}: {inner.Message})";
        }
        bool verbose = parse.GetValue(TpCommand.Verbose);
        error.WriteLine((line + (verbose ? "" : " (--verbose: stack trace)")).ReplaceLineEndings(" "));
        if (verbose)
        {
            error.WriteLine(e.ToString());
        }
        return e is ArgumentException or TensorPoolPathException or TensorPoolFileFormatException
            ? TpCommand.ExitBadInput
            : TpCommand.ExitFailure;
    }

    /// <summary>Failures that are answers, not bugs: printed as such.</summary>
    public static bool IsExpected(Exception e) =>
        e is DriverClient.DriverAttachException or TensorPoolPathException or TensorPoolFileFormatException or Driver.DriverAlreadyRunningException;

    public static int BadInput(ParseResult parse, string command, string subject, string message)
    {
        string line = $"tp {command}: {subject}: {message}".ReplaceLineEndings(" ");
        parse.InvocationConfiguration.Error.WriteLine(line);
        return TpCommand.ExitBadInput;
    }

    /// <summary>The one-line error of an operation that failed (exit code 1).</summary>
    public static int Failure(ParseResult parse, string command, string subject, string message)
    {
        string line = $"tp {command}: {subject}: {message}".ReplaceLineEndings(" ");
        parse.InvocationConfiguration.Error.WriteLine(line);
        return TpCommand.ExitFailure;
    }

    /// <summary>Reads a whole input file, or returns an error line (missing, unreadable, a directory).</summary>
    public static bool TryReadFile(string path, out byte[] bytes, out string error)
    {
        bytes = [];
        error = "";
        try
        {
            if (Directory.Exists(path))
            {
                error = "is a directory";
                return false;
            }
            bytes = File.ReadAllBytes(path);
            return true;
        }
        catch (FileNotFoundException)
        {
            error = "no such file";
        }
        catch (DirectoryNotFoundException)
        {
            error = "no such file";
        }
        catch (UnauthorizedAccessException)
        {
            error = "permission denied";
        }
        catch (IOException e)
        {
            error = e.Message;
        }
        return false;
    }
}
