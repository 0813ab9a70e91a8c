using System.CommandLine;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// What every <c>tp</c> command promises (docs/user-guide.md, "tp reference"): <c>--help</c> with examples and exit
/// codes, bad arguments as one line on standard error with exit code 2, stack traces only with <c>--verbose</c>.
/// </summary>
public class CommandConventionTests
{
    /// <summary>Every command that runs something (leaves of the command tree), as its words after <c>tp</c>.</summary>
    public static IEnumerable<string> Commands()
    {
        var found = new List<string>();
        void Walk(Command c, string prefix)
        {
            if (c.Hidden)
            {
                return; // internal commands are not for users
            }
            if (c.Subcommands.Count == 0)
            {
                found.Add(prefix.Trim());
            }
            foreach (Command sub in c.Subcommands)
            {
                Walk(sub, prefix + " " + sub.Name);
            }
        }
        Walk(TpCommand.Build(), "");
        return found;
    }

    [TestCaseSource(nameof(Commands))]
    public void Help_of_every_command_has_examples_exit_codes_and_verbose(string command)
    {
        (int exit, string text, string error) = Tp.Run([.. command.Split(' '), "--help"]);

        Assert.That(exit, Is.Zero, error);
        Assert.That(text, Does.Contain("Examples:").And.Contain("tp " + command).And.Contain("Exit codes:"));
        Assert.That(text, Does.Contain("--verbose"), "the global option shows on every command");
    }

    [Test]
    public void Root_help_states_the_exit_codes_and_lists_every_command()
    {
        (int exit, string text, _) = Tp.Run("--help");

        Assert.That(exit, Is.Zero);
        Assert.That(text, Does.Contain("Exit codes: 0 success; 1 the operation failed"));
        foreach (string command in Commands())
        {
            Assert.That(text, Does.Contain(command.Split(' ')[0]));
        }
    }

    [TestCase("bogus", "Unrecognized command or argument 'bogus'")]
    [TestCase("--bogus", "Unrecognized command or argument '--bogus'")]
    [TestCase("decode", "Required argument missing")]
    [TestCase("decode /nonexistent/x.bin", "no such file")]
    [TestCase("encode /nonexistent/x.json", "no such file")]
    [TestCase("demo --consumers 0", "--consumers 0 must be from 1 to 16")]
    [TestCase("demo --rate -1", "--rate -1 must be 0")]
    [TestCase("demo --frames x", "Cannot parse argument 'x'")]
    [TestCase("produce --slots 3", "--slots 3 must be a power of two")]
    [TestCase("produce --shape 0x4", "shape")]
    [TestCase("produce --namespace .hidden", "--namespace '.hidden' must be")]
    [TestCase("consume --frames 0", "--frames 0 must be at least 1")]
    [TestCase("consume --idle nap", "--idle 'nap' must be wait, spin, yield or backoff")]
    [TestCase("consume --shm-dir relative", "--shm-dir 'relative' must be an absolute path")]
    [TestCase("shm inspect /nonexistent/header.ring", "/nonexistent/header.ring")]
    [TestCase("shm", "Required command was not provided")]
    [TestCase("listen", "Option '--stream' is required")]
    [TestCase("listen --stream -1", "Cannot parse argument '-1'")]
    [TestCase("listen --stream 1 --count 0", "--count 0 must be at least 1")]
    [TestCase("listen --stream 1 --timeout 0", "--timeout 0 must be positive")]
    [TestCase("listen --stream 1 --hex-limit -1", "--hex-limit -1 must not be negative")]
    [TestCase("listen --stream 1 --channel nope", "--channel: channel 'nope' has no scheme")]
    [TestCase("listen --stream 1 --channel tp:ipc?name=..", "tp:ipc?name=..")]
    [TestCase("listen --stream 1 --namespace a/b", "--namespace 'a/b' must be")]
    [TestCase("status --wait 0", "--wait 0 must be positive")]
    [TestCase("status --interval 0.01", "--interval 0.01 must be from 0.05")]
    [TestCase("status --watch --seconds -1", "--seconds -1 must be positive")]
    [TestCase("status --channel tp", "--channel: channel 'tp' has no scheme")]
    [TestCase("status --qos-stream x", "Cannot parse argument 'x'")]
    [TestCase("status --shm-dir relative", "--shm-dir 'relative' must be an absolute path")]
    public void Bad_arguments_exit_2_with_one_line_and_no_stack_trace(string commandLine, string expect)
    {
        using var dir = new TempDirectory();
        string[] args = [.. commandLine.Split(' '), .. ShmDirFor(commandLine, dir)];

        (int exit, string output, string error) = Tp.Run(args);

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), error + output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("tp").And.Contain(expect));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    // Commands that would touch shared memory get a private base directory, so a wrong exit code cannot leave files in /dev/shm.
    private static string[] ShmDirFor(string commandLine, TempDirectory dir) =>
        (commandLine.StartsWith("listen --stream 1 ", StringComparison.Ordinal) || commandLine.StartsWith("status ", StringComparison.Ordinal)) &&
        !commandLine.Contains("--shm-dir", StringComparison.Ordinal)
            ? ["--shm-dir", dir.Path]
            : [];

    [Test]
    public void An_unexpected_error_is_one_line_and_its_stack_trace_comes_only_with_verbose()
    {
        using var dir = new TempDirectory();
        // A base directory that is a regular file: the producer cannot create its regions under it.
        string file = Path.Combine(dir.Path, "not-a-directory");
        File.WriteAllText(file, "");
        string[] args = ["produce", "--frames", "1", "--shm-dir", file];

        (int exit, _, string error) = Tp.Run(args);
        Assert.That(exit, Is.Not.Zero);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("tp produce: ").And.EndWith("(--verbose: stack trace)"));

        (int verboseExit, _, string verbose) = Tp.Run([.. args, "--verbose"]);
        Assert.That(verboseExit, Is.EqualTo(exit));
        Assert.That(verbose, Does.StartWith(lines[0].Replace(" (--verbose: stack trace)", "", StringComparison.Ordinal)));
        Assert.That(verbose, Does.Contain("   at TensorPool."), "the stack trace");
    }

    [Test]
    public void Tp_as_a_real_process_exits_2_with_one_line_for_bad_arguments()
    {
        using ChildProcess tp = Tp.Start("listen", "--stream", "1", "--count", "0");

        Assert.That(tp.WaitForExit(TimeSpan.FromMinutes(2)), Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(tp.StandardError.Trim(), Is.EqualTo("tp listen: arguments: --count 0 must be at least 1"));
    }
}
