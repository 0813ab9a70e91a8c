namespace TensorPool.Bench.Matrix;

/// <summary>
/// The child side of every measure of <c>tp bench</c>: <c>MEASURE DIR CPU PAGE args…</c> (what <see cref="Session"/>
/// starts). Pins the measuring thread first.
/// </summary>
public static class BenchChild
{
    public static int Run(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("bench child: MEASURE DIR CPU PAGE [args...]");
            return 2;
        }
        string measure = args[0];
        string directory = args[1];
        Cpu.Pin(Cpu.Parse(args[2]));
        string[] rest = args[4..];
        using var page = new SharedPage(args[3], create: false);
        return measure switch
        {
            RawPingPong.Measure => RawPingPong.Child(page, rest),
            CellPeers.Measure => CellPeers.Child(directory, page, rest),
            Paced.PacedProducerChild.Measure => Paced.PacedProducerChild.Run(directory, page, rest),
            Paced.PacedConsumerChild.Measure => Paced.PacedConsumerChild.Run(directory, page, rest),
            Paced.FutexWakeChild.Measure => Paced.FutexWakeChild.Run(page, rest),
            _ => throw new ArgumentException($"unknown bench child measure '{measure}'"),
        };
    }
}
