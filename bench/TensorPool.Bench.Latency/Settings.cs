using System.Globalization;

namespace TensorPool.Bench.Latency;

/// <summary>What to run, from the command line: <c>[--round-trips N] [--messages N] [--rate R] [--throughput N] [--idle-spin N] [--only name,…]</c>.</summary>
internal sealed record Settings(int RoundTrips, int Messages, int Rate, int ThroughputMessages, int IdleSpin, string? Only)
{
    public const int MessageLength = 64;
    public const int Warmup = 100_000;
    public const long LogCapacity = 4 << 20;

    public static Settings Parse(string[] args)
    {
        var s = new Settings(RoundTrips: 300_000, Messages: 500_000, Rate: 100_000, ThroughputMessages: 20_000_000, IdleSpin: 200, Only: null);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int Value() => int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            s = args[i] switch
            {
                "--round-trips" => s with { RoundTrips = Value() },
                "--messages" => s with { Messages = Value() },
                "--rate" => s with { Rate = Value() },
                "--throughput" => s with { ThroughputMessages = Value() },
                "--idle-spin" => s with { IdleSpin = Value() },
                "--only" => s with { Only = args[i + 1] },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return s;
    }

    public bool Runs(string name) => Only is null || Only.Split(',').Contains(name);
}
