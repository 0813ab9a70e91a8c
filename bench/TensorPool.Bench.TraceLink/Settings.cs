using System.Globalization;

namespace TensorPool.Bench.TraceLink;

/// <summary>The benchmark's arguments: <c>--rate</c> frames/s, <c>--seconds</c>, <c>--db-dir</c>, <c>--flush-ms</c>, <c>--json</c>.</summary>
internal sealed record Settings
{
    public double Rate { get; init; } = 100_000;

    public double Seconds { get; init; } = 20;

    /// <summary>Where the database goes (a disk by default; /dev/shm takes the disk out of the measurement).</summary>
    public string DbDir { get; init; } = Path.GetTempPath();

    public int FlushMs { get; init; } = 50;

    /// <summary>The store's queue in records (the library's default, 2^18, unless told; tp trace record uses 2^20).</summary>
    public int Queue { get; init; } = 1 << 18;

    public bool Json { get; init; }

    /// <summary>Only the store: rows queued as fast as the writer takes them, no transport, no recorder.</summary>
    public bool StoreOnly { get; init; }

    public static Settings Parse(string[] args)
    {
        var s = new Settings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            s = args[i] switch
            {
                "--rate" => s with { Rate = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seconds" => s with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--db-dir" => s with { DbDir = Next() },
                "--flush-ms" => s with { FlushMs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--queue" => s with { Queue = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--json" => s with { Json = true },
                "--store-only" => s with { StoreOnly = true },
                _ => throw new ArgumentException($"unknown argument '{args[i]}' (--rate N --seconds S --db-dir DIR --flush-ms N --queue N --json --store-only)"),
            };
        }
        if (!(s.Rate > 0) || !(s.Seconds > 0))
        {
            throw new ArgumentException("--rate and --seconds must be positive");
        }
        return s;
    }
}
