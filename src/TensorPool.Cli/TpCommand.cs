using System.CommandLine;
using System.Reflection;

namespace TensorPool.Cli;

/// <summary>The root of the <c>tp</c> command line; each area adds its subcommands here.</summary>
internal static class TpCommand
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code for a failure of the operation itself.</summary>
    public const int ExitFailure = 1;

    /// <summary>Exit code for bad input: arguments, files, configuration.</summary>
    public const int ExitBadInput = 2;

    public static string Version =>
        typeof(TpCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    public static RootCommand Build()
    {
        var root = new RootCommand("tp - TensorPool.NET: zero-copy shared-memory tensor exchange (SHM Tensor Pool protocols).");
        root.Subcommands.Add(Commands.DecodeCommand.Build());
        root.Subcommands.Add(Commands.EncodeCommand.Build());
        root.Subcommands.Add(Commands.DriverCommand.Build());
        root.Subcommands.Add(Commands.DemoCommand.Build());
        root.Subcommands.Add(Commands.ProduceCommand.Build());
        root.Subcommands.Add(Commands.ConsumeCommand.Build());
        root.Subcommands.Add(Commands.ShmInspectCommand.Build());
        return root;
    }

    public static int Run(string[] args)
    {
        RootCommand root = Build();
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // Bad arguments: one line and exit code 2, as for every other kind of bad input.
            Console.Error.WriteLine($"tp: {result.Errors[0].Message}");
            return ExitBadInput;
        }
        return result.Invoke();
    }
}
