using System.Globalization;
using System.Runtime.CompilerServices;
using TensorPool.Bench.Matrix;
using TensorPool.Time;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The raw futex-wake floor (issue 14): two processes and a shared page, nothing of TensorPool between them. The waker
/// (<c>waker RATE WARMUP FRAMES</c>) paces as a paced producer does, writes the time into a stamp, bumps a 32-bit
/// sequence word and FUTEX_WAKEs it every time; the waiter (<c>waiter WARMUP SLICE</c>, SLICE <c>short</c> to ask for the
/// shortest scheduler slice as the wait consumers do, <c>default</c> not to) FUTEX_WAITs on the word and records
/// now − stamp for every wake the word has counted since it last looked, as a consumer times every frame it accepts
/// (<c>hist</c>); the latest wake alone of each return is kept apart (<c>wakehist</c>, what this floor recorded before
/// D253), and how many came together with another. What it measures is the kernel's wake-up path and the scheduler:
/// the least a sleeping consumer can cost in latency and CPU at that rate.
/// </summary>
public static unsafe class FutexWakeChild
{
    public const string Measure = "futex-wake";

    public const string ShortSlice = "short";

    public const string DefaultSlice = "default";

    public static int Run(SharedPage page, string[] args) => args[0] switch
    {
        "waker" => Waker(page, double.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture),
            int.Parse(args[3], CultureInfo.InvariantCulture)),
        "waiter" => Waiter(page, int.Parse(args[1], CultureInfo.InvariantCulture), args[2] == ShortSlice, StopLine.Watch(), Console.Out),
        _ => throw new ArgumentException($"futex-wake side '{args[0]}' is not waker or waiter"),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    private static int Waker(SharedPage page, double rate, int warmup, int frames)
    {
        StopLine stop = StopLine.Watch();
        while (Volatile.Read(ref *page.ReadyWord) < 1)
        {
            if (stop.IsSet)
            {
                return 1;
            }
            Thread.Sleep(1);
        }
        var pacer = new RatePacer(rate);
        int* word = page.FutexWord;
        for (int seq = 1; seq <= warmup + frames; seq++)
        {
            while (!pacer.WaitForNext(TimeSpan.FromMilliseconds(100)))
            {
                if (stop.IsSet)
                {
                    return 1;
                }
            }
            Volatile.Write(ref *page.FutexStamp(seq), Clock.NowNs());
            Volatile.Write(ref *word, seq);
            Futex.WakeAll(word);
            pacer.MarkDone();
            if (seq == warmup)
            {
                Console.WriteLine("steady");
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result published={frames} last={warmup + frames}"));
        while (!stop.IsSet)
        {
            Thread.Sleep(10);
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public static int Waiter(SharedPage page, int warmup, bool shortSlice, StopLine stop, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(stop);
        ArgumentNullException.ThrowIfNull(output);
        if (shortSlice && !TensorPool.Agents.ThreadSlice.TrySet(TensorPool.Agents.ThreadSlice.Shortest))
        {
            Console.Error.WriteLine("futex-wake waiter: this kernel has no per-thread slices; the waiter keeps the default");
        }
        var latency = new LatencyRecorder();
        var wakes = new LatencyRecorder();
        int* word = page.FutexWord;
        long overwritten = 0, together = 0;
        int seen = Volatile.Read(ref *word);
        output.WriteLine("ready");
        Volatile.Write(ref *page.ConsumerWord(0), FrameConsumerChild.Mapped);
        Volatile.Write(ref *page.ReadyWord, 1);
        while (!stop.IsSet)
        {
            int seq = Volatile.Read(ref *word);
            if (seq == seen)
            {
                Futex.Wait(word, seen, 100_000_000); // bounded, so a stop is seen within 100 ms
                continue;
            }
            long now = Clock.NowNs();
            if (seq > warmup)
            {
                // Every wake since the last look is a frame a consumer would time: the earlier ones waited longest (D253).
                int first = Math.Max(seen, warmup) + 1;
                for (int k = first; k <= seq; k++)
                {
                    long stamp = Volatile.Read(ref *page.FutexStamp(k));
                    if (Volatile.Read(ref *word) - k < SharedPage.FutexStampCount)
                    {
                        latency.Record(now - stamp);
                    }
                    else
                    {
                        overwritten++; // the waker has reused its slot: the time is gone
                    }
                }
                wakes.Record(now - Volatile.Read(ref *page.FutexStamp(seq)));
                together += seq - first;
            }
            seen = seq;
            Volatile.Write(ref *page.ConsumerWord(0), seq);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result timed={latency.Count} drops={overwritten} torn=0 together={together} hist={latency.Encode()} wakehist={wakes.Encode()}"));
        return 0;
    }
}
