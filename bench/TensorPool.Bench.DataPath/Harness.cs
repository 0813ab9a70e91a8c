using System.Globalization;
using TensorPool.Client;
using TensorPool.Processes;

namespace TensorPool.Bench.DataPath;

/// <summary>What both processes share: where the shared memory lives, the CPUs, and the client settings.</summary>
internal static class Harness
{
    public const uint StreamId = BenchClient.StreamId;

    /// <summary>A client whose conductor the measuring thread invokes itself (no second thread on the pinned CPU).</summary>
    public static TensorPoolClient Connect(string baseDir, string nameSpace) => BenchClient.Connect(baseDir, nameSpace);

    /// <summary>This program again as <c>child… args</c>, once it printed <c>ready</c>.</summary>
    public static ChildProcess StartChild(params string[] args)
    {
        ChildProcess child = ChildProcess.StartSelf(args);
        child.WaitReady(Session.ChildTimeout);
        return child;
    }

    /// <summary>Tell the child to stop and return its <c>result …</c> line (without the word).</summary>
    public static string StopChild(ChildProcess child)
    {
        child.Stop();
        return child.Result(Session.ChildTimeout);
    }

    public static string LoadAverage() => TensorPool.Bench.Matrix.BenchRunner.LoadAverage();

    public static string F(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);
}
