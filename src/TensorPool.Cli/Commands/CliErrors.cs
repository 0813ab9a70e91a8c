using System.CommandLine;

namespace TensorPool.Cli.Commands;

/// <summary>The one-line error every command prints for bad input, with exit code 2.</summary>
internal static class CliErrors
{
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
