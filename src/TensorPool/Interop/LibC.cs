using System.Runtime.InteropServices;

namespace TensorPool.Interop;

/// <summary>The few libc calls the runtime needs that .NET does not expose.</summary>
internal static partial class LibC
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockMonotonic = 1;

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in TimeSpec request, out TimeSpec remaining);

    /// <summary>
    /// Sleeps for the given nanoseconds with the kernel's timer resolution (tens of microseconds),
    /// unlike Thread.Sleep which rounds to whole milliseconds.
    /// </summary>
    public static void SleepNanoseconds(long nanoseconds)
    {
        if (nanoseconds <= 0)
        {
            Thread.Yield();
            return;
        }
        var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000L, Nanoseconds = nanoseconds % 1_000_000_000L };
        // An interrupted sleep (EINTR) just returns early: idle strategies tolerate a short nap.
        _ = ClockNanosleep(ClockMonotonic, 0, request, out _);
    }
}
