using System.Globalization;
using System.Runtime.InteropServices;
using TensorPool.Client;

namespace TensorPool.Examples;

/// <summary>
/// The command-line plumbing every example shares (not what the examples are about): <c>--name value</c> options,
/// the client location options (<c>--shm-dir</c>, <c>--namespace</c>, <c>--stream</c>), and a cancellation token
/// that fires on Ctrl-C, SIGTERM or after <c>--seconds</c>.
/// </summary>
internal sealed class ExampleArgs : IDisposable
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _signals = [];

    public ExampleArgs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            }
            _values[args[i][2..]] = args[++i];
        }
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // let the example finish its loop and dispose what it created
                _stop.Cancel();
            }));
        }
        double seconds = Get("seconds", 10.0);
        if (seconds > 0)
        {
            _stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
    }

    /// <summary>Cancelled on Ctrl-C, SIGTERM or when <c>--seconds</c> (default 10) have passed.</summary>
    public CancellationToken Stop => _stop.Token;

    public uint StreamId => Get("stream", 10000u);

    public T Get<T>(string name, T defaultValue)
        where T : IParsable<T> =>
        _values.TryGetValue(name, out string? text) ? T.Parse(text, CultureInfo.InvariantCulture) : defaultValue;

    public string Get(string name, string defaultValue) => _values.GetValueOrDefault(name, defaultValue);

    /// <summary>Client options for the shared-memory location given on the command line (defaults: /dev/shm, "default").</summary>
    public ClientOptions CreateClientOptions() => new()
    {
        ShmBaseDir = Get("shm-dir", ClientOptions.DefaultShmBaseDir),
        Namespace = Get("namespace", ClientOptions.DefaultNamespace),
    };

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _signals)
        {
            r.Dispose();
        }
        _stop.Dispose();
    }
}
