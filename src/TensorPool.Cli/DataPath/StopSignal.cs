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

    /// <summary>The signal that stopped the run, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>Frames the producer published, when the parent said (<c>stop N</c>); -1 when unknown.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Set() => _set = true;

    private void ReadStandardInput()
    {
        try
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
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
