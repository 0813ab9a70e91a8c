using System.Runtime.InteropServices;

namespace TensorPool.Bench.Paced;

/// <summary>
/// futex(2) on a word of a shared page, between processes (no FUTEX_PRIVATE_FLAG): the raw wake-up floor the
/// waiting idle strategy is compared with. Only the two calls the floor needs.
/// </summary>
public static unsafe partial class Futex
{
    private const int FutexWait = 0;
    private const int FutexWake = 1;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    /// <summary>Sleep while <c>*word == expected</c>, at most <paramref name="timeoutNs"/>; returns at once when it differs.</summary>
    public static void Wait(int* word, int expected, long timeoutNs)
    {
        Timespec timeout = new(timeoutNs / 1_000_000_000, timeoutNs % 1_000_000_000);
        _ = syscall(Supported(), (nint)word, FutexWait, expected, (nint)(&timeout), 0, 0);
    }

    /// <summary>Wake every process sleeping on <paramref name="word"/>.</summary>
    public static void WakeAll(int* word) => _ = syscall(Supported(), (nint)word, FutexWake, int.MaxValue, 0, 0, 0);

    private static long Supported() => SysFutex > 0
        ? SysFutex
        : throw new PlatformNotSupportedException($"the futex floor knows the syscall number on x64 and arm64 only, not {RuntimeInformation.ProcessArchitecture}");

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Timespec(long seconds, long nanoseconds)
    {
        public readonly long Seconds = seconds;
        public readonly long Nanoseconds = nanoseconds;
    }

    // syscall(2) is variadic in C; glibc's moves its integer arguments into the syscall registers, so fixed integer
    // arguments call it correctly on x64 and arm64.
    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, nint uaddr, int op, int val, nint timeout, nint uaddr2, int val3);
}
