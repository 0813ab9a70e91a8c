using System.Reflection;
using TensorPool.Agents;

namespace TensorPool.Client.Tests.Agents;

/// <summary>
/// The agent runner's duty-cycle loop (every conductor and the driver) is compiled optimized from the start (D242): a
/// loop that turns once per paced frame otherwise meets on-stack replacement mid-run and stalls once for tens of ms.
/// </summary>
public class LongRunningLoopTests
{
    [Test]
    public void The_agent_runner_loop_is_compiled_optimized_from_the_start()
    {
        MethodInfo run = typeof(AgentRunner).GetMethod("Run", BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.That(run, Is.Not.Null);
        Assert.That(run.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), Is.True);
    }
}
