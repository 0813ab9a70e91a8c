namespace TensorPool.TestHost.Scenarios;

/// <summary>Set when stdin says <c>stop</c> or closes (the test went away).</summary>
internal sealed class StdinStop : IDisposable
{
    private readonly ManualResetEventSlim _stop = new();

    public bool IsSet => _stop.IsSet;

    public static StdinStop Watch()
    {
        var s = new StdinStop();
        new Thread(() =>
        {
            try
            {
                while (Console.ReadLine() is { } line && line.Trim() != "stop")
                {
                }
            }
            catch (IOException)
            {
            }
            s._stop.Set();
        }) { IsBackground = true }.Start();
        return s;
    }

    public void Wait() => _stop.Wait();

    public void Dispose() => _stop.Dispose();
}
