namespace TensorPool.Fuzz;

/// <summary>
/// A hang is a finding too: when one input runs longer than the limit, its bytes are written to the crash folder and
/// the process exits with code 3 (the input cannot be abandoned in .NET without ending the process).
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly TimeSpan _limit;
    private readonly string _crashDir;
    private readonly Thread _thread;
    private readonly Lock _gate = new();
    private string _target = "";
    private byte[]? _input;
    private DateTime _started;
    private volatile bool _stopped;

    public Watchdog(TimeSpan limit, string crashDir)
    {
        _limit = limit;
        _crashDir = crashDir;
        _thread = new Thread(Watch) { IsBackground = true, Name = "fuzz watchdog" };
        _thread.Start();
    }

    public void Begin(string target, byte[] input)
    {
        lock (_gate)
        {
            _target = target;
            _input = input;
            _started = DateTime.UtcNow;
        }
    }

    public void End()
    {
        lock (_gate)
        {
            _input = null;
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Watch()
    {
        while (!_stopped)
        {
            Thread.Sleep(200);
            lock (_gate)
            {
                if (_input is not null && DateTime.UtcNow - _started > _limit)
                {
                    string dir = Path.Combine(_crashDir, _target);
                    Directory.CreateDirectory(dir);
                    string path = Path.Combine(dir, "hang-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_input)[..20]));
                    File.WriteAllBytes(path, _input);
                    Console.Error.WriteLine($"fuzz {_target}: an input ran longer than {_limit.TotalSeconds} s (input {path})");
                    Console.Out.WriteLine($"csharp: hang in {_target}");
                    Environment.Exit(3);
                }
            }
        }
    }
}
