using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace TensorPool.Diagnostics.Internal;

/// <summary>
/// A process-wide fault point for the crash matrix (docs/DECISIONS.md D205): at the armed protocol step's n-th hit the
/// process raises SIGKILL on itself, so tests see exactly what a crash at that step leaves behind. Unarmed it costs
/// nothing: <see cref="Armed"/> is a static readonly the JIT folds, so every <c>if (FaultPoint.Armed)</c> is removed
/// from tiered code.
/// </summary>
/// <remarks>
/// Two keys arm it, so a shipped program never can be: the application must opt in at build time through the
/// runtime configuration switch <see cref="EnabledSwitch"/> (only the test host sets it), and the child process is
/// armed at start by <c>TP_FAULT_AT=&lt;step&gt;[:&lt;nth&gt;]</c>. Both are read once, at the first use of this type.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FaultPoint
{
    /// <summary>The runtimeconfig switch an application sets to let <c>TP_FAULT_AT</c> arm it.</summary>
    public const string EnabledSwitch = "TensorPool.FaultInjection.Enabled";

    /// <summary>The environment variable naming the step (and which hit of it, 1 by default).</summary>
    public const string Variable = "TP_FAULT_AT";

    private static readonly (FaultStep Step, long Nth) Plan = ReadPlan();

    /// <summary>True only in a process that opted in and was given a valid <c>TP_FAULT_AT</c>.</summary>
    public static readonly bool Armed = Plan.Step != FaultStep.None;

    private static long _hits;

    /// <summary>Count a hit of <paramref name="step"/>; the armed step's n-th hit kills the process.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void At(FaultStep step)
    {
        if (Armed)
        {
            Hit(step);
        }
    }

    /// <summary>The name of <paramref name="step"/> in <c>TP_FAULT_AT</c> (kebab case: <c>payload-write</c>).</summary>
    public static string StepName(FaultStep step) => step switch
    {
        FaultStep.PayloadWrite => "payload-write",
        FaultStep.EpochChange => "epoch-change",
        _ => step.ToString().ToLowerInvariant(),
    };

    /// <summary>Parse <c>step[:nth]</c>; false for anything else (an unknown step, nth below 1).</summary>
    public static bool TryParse(string? text, out FaultStep step, out long nth)
    {
        step = FaultStep.None;
        nth = 1;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        string[] parts = text.Trim().Split(':');
        if (parts.Length > 2 ||
            (parts.Length == 2 && (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out nth) || nth < 1)))
        {
            return false;
        }
        foreach (FaultStep candidate in Enum.GetValues<FaultStep>())
        {
            if (candidate != FaultStep.None && StepName(candidate) == parts[0])
            {
                step = candidate;
                return true;
            }
        }
        return false;
    }

    private static (FaultStep, long) ReadPlan()
    {
        if (!AppContext.TryGetSwitch(EnabledSwitch, out bool enabled) || !enabled)
        {
            return (FaultStep.None, 0);
        }
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (text is null)
        {
            return (FaultStep.None, 0);
        }
        if (!TryParse(text, out FaultStep step, out long nth))
        {
            // A mistyped plan must not pass for a run that survived the fault.
            Console.Error.WriteLine($"fault: {Variable}={text} is not <step>[:<nth>]; steps: " +
                string.Join(", ", Enum.GetValues<FaultStep>().Where(s => s != FaultStep.None).Select(StepName)));
            Environment.Exit(125);
        }
        return (step, nth);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Hit(FaultStep step)
    {
        if (step != Plan.Step || Interlocked.Increment(ref _hits) != Plan.Nth)
        {
            return;
        }
        Console.Error.WriteLine($"fault: SIGKILL at {StepName(step)}:{Plan.Nth} (pid {Environment.ProcessId})");
        Console.Error.Flush();
        // Process.Kill sends SIGKILL on Unix: no finally block, finalizer or exit handler runs, as in a real crash.
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
