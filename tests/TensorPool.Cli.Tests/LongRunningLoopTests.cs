using System.Reflection;
using TensorPool.Cli.DataPath;
using TensorPool.Cli.Join;

namespace TensorPool.Cli.Tests;

/// <summary>
/// The poll and pacing loops of <c>tp consume</c>, <c>tp produce</c>, <c>tp relay</c> and <c>tp join</c> are compiled
/// optimized from the start (D242): no on-stack-replacement stall some seconds into a paced run.
/// </summary>
public class LongRunningLoopTests
{
    [TestCase(typeof(ConsumerRun))]
    [TestCase(typeof(ProducerRun))]
    [TestCase(typeof(RelayRun))]
    [TestCase(typeof(JoinRun))]
    public void The_run_loop_is_compiled_optimized_from_the_start(Type run)
    {
        MethodInfo method = run.GetMethod("Run", BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes)!;
        Assert.That(method, Is.Not.Null);
        Assert.That(method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), Is.True);
    }
}
