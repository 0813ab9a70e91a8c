using System.CommandLine;
using TensorPool.Client;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>--namespace</c> and <c>--shm-dir</c>: where a command finds shared memory and tp:ipc logs (§15.21a.3). Every
/// command that meets producers and consumers takes both, with the same defaults and checks.
/// </summary>
internal sealed class ShmLocationOptions
{
    public Option<string> Namespace { get; } = new("--namespace") { Description = "Shared-memory namespace (§15.21a.3).", DefaultValueFactory = _ => ClientOptions.DefaultNamespace };

    public Option<string> ShmDir { get; } = new("--shm-dir") { Description = "Shared-memory base directory.", DefaultValueFactory = _ => ClientOptions.DefaultShmBaseDir };

    public void AddTo(Command command)
    {
        command.Options.Add(Namespace);
        command.Options.Add(ShmDir);
    }

    /// <summary>The namespace and base directory given, or false and a one-line error naming the option.</summary>
    public bool TryGet(ParseResult parse, out string ns, out string dir, out string error)
    {
        ns = parse.GetValue(Namespace) ?? ClientOptions.DefaultNamespace;
        dir = parse.GetValue(ShmDir) ?? ClientOptions.DefaultShmBaseDir;
        error = Check(ns, dir) ?? "";
        return error.Length == 0;
    }

    /// <summary>Null, or why <paramref name="ns"/> or <paramref name="dir"/> is refused.</summary>
    public static string? Check(string ns, string dir)
    {
        if (ns.Length is 0 or > 255 || ns[0] == '.' || !ns.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            return $"--namespace '{ns}' must be 1 to 255 of [A-Za-z0-9._-], not starting with '.'";
        }
        if (dir.Length == 0 || dir[0] != '/')
        {
            return $"--shm-dir '{dir}' must be an absolute path";
        }
        return null;
    }
}
