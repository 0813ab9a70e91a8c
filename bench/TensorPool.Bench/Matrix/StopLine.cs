namespace TensorPool.Bench.Matrix;

/// <summary>Set when the parent writes <c>stop</c> (or closes) this child's stdin.</summary>
public sealed class StopLine
{
    private int _stopped;

    private StopLine()
    {
    }

    public bool IsSet => Volatile.Read(ref _stopped) != 0;

    /// <summary>A line nothing watches: <see cref="Set"/> stops it (a child's loop run inside another process).</summary>
    public static StopLine Manual() => new();

    public void Set() => Volatile.Write(ref _stopped, 1);

    public static StopLine Watch()
    {
        var stop = new StopLine();
        new Thread(() =>
        {
            while (Console.In.ReadLine() is { } line && line != "stop")
            {
            }
            Volatile.Write(ref stop._stopped, 1);
        })
        { IsBackground = true, Name = "stdin" }.Start();
        return stop;
    }
}
