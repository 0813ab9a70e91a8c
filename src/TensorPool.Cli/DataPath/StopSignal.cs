using System.Runtime.InteropServices;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// Why a run should end early: Ctrl-C (SIGINT), SIGTERM or SIGQUIT, or, for a child of <c>tp demo</c>, a
/// <c>stop [published]</c> line or the end of standard input (the parent went away). The run loop polls
/// <see cref="IsSet"/> and then cleans up its shared memory as on a normal exit.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private volatile bool _set;
    private long _published = -1;

    public StopSignal(bool watchStandardInput)
    {
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // keep the process alive: the run loop exits and cleans up
                Signal = context.Signal;
                _set = true;
            }));
        }
        if (watchStandardInput)
        {
            var reader = new Thread(ReadStandardInput) { IsBackground = true, Name = "stdin-stop" };
            reader.Start();
        }
    }

    public bool IsSet => _set;

    /// <summary>
    /// Whether standard input is a pipe or a socket: a parent process that can close it to stop a long-running command.
    /// A terminal, /dev/null (a background job's stdin) or a file never stops one.
    /// </summary>
    public static bool StandardInputIsPipe()
    {
        try
        {
            string? target = new FileInfo("/proc/self/fd/0").LinkTarget;
            return target is not null && (target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The signal that stopped the run, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>Frames the producer published, when the parent said (<c>stop N</c>); -1 when unknown.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Set() => _set = true;

    private void ReadStandardInput()
    {
        try
        {
            // The raw stream, not Console.In: a blocked Console.In.ReadLine holds the console's lock, and a live
            // view (tp status) asking the console for its size on another thread would wait for it forever.
            using var input = new StreamReader(Console.OpenStandardInput());
            string? line;
            while ((line = input.ReadLine()) is not null)
            {
                string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length > 0 && words[0] == "stop")
                {
                    if (words.Length > 1 && long.TryParse(words[1], System.Globalization.CultureInfo.InvariantCulture, out long n))
                    {
                        Interlocked.Exchange(ref _published, n);
                    }
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        _set = true;
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }
    }
}
