using System.Globalization;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// Where the processes of a run go: with more than one CPU the measuring parent (producer, sender, pinger) takes the
/// first allowed CPU and the children the others in turn; with one CPU nothing is pinned. A cell whose busy processes
/// (producer + consumers) outnumber the CPUs is oversubscribed, and its consumers yield when idle.
/// </summary>
public sealed record CpuPlan(bool Pinned, int ParentCpu, IReadOnlyList<int> ChildCpus, int CpuCount)
{
    public static CpuPlan Choose(IReadOnlyList<int> allowed) => allowed.Count > 1
        ? new CpuPlan(true, allowed[0], [.. allowed.Skip(1)], allowed.Count)
        : new CpuPlan(false, -1, [-1], Math.Max(1, allowed.Count));

    public bool Oversubscribed(int consumers) => consumers + 1 > CpuCount;

    /// <summary>The CPUs the consumers of a cell of <paramref name="consumers"/> run on.</summary>
    public IReadOnlyList<int> ConsumerCpus(int consumers) => [.. Enumerable.Range(0, consumers).Select(i => ChildCpus[i % ChildCpus.Count])];

    public string Describe() => Pinned
        ? string.Create(CultureInfo.InvariantCulture, $"pinned with sched_setaffinity: producer/sender/pinger on CPU {ParentCpu}, consumers/receivers/peer on CPU {string.Join(",", ChildCpus)} (in turn)")
        : "not pinned (one CPU)";
}
