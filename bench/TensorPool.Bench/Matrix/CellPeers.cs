using System.Globalization;
using TensorPool.Processes;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The consumer processes of one cell. Each is started once (<c>cell-peer DIR CPU PAGE NAMESPACE INDEX YIELD SOCKET
/// SIZE AERON_DIR</c>): first the tp:ipc consumer (<see cref="FrameConsumerChild"/>) until <c>stop</c>, then, with an
/// Aeron directory (not <c>-</c>), the aeron:ipc consumer until <c>stop</c>, then the Unix-socket receiver
/// (<see cref="SocketCell.Child"/>) of the same frames. One process start per consumer and cell, all started
/// together, keeps <c>--quick</c> short on a loaded 2-core machine.
/// </summary>
public sealed class CellPeers : IDisposable
{
    public const string Measure = "cell-peer";

    private readonly List<ChildProcess> _children = [];

    private const string NoAeron = "-";

    public CellPeers(Session session, CpuPlan plan, int size, int consumers, string? aeronDir = null)
    {
        NameSpace = string.Create(CultureInfo.InvariantCulture, $"cell-{size}-{consumers}");
        (Page, string pagePath) = session.NewPage();
        ResetProgress(consumers);
        string yield = plan.Oversubscribed(consumers) ? "1" : "0";
        try
        {
            for (int i = 0; i < consumers; i++)
            {
                string socketPath = session.NewPath("sock");
                SocketPaths.Add(socketPath);
                _children.Add(session.StartChildOn(session.ChildCpuOf(i), Measure, pagePath, NameSpace,
                    i.ToString(CultureInfo.InvariantCulture), yield, socketPath, size.ToString(CultureInfo.InvariantCulture), aeronDir ?? NoAeron));
            }
            WaitReady();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string NameSpace { get; }

    /// <summary>The namespace of the aeron:ipc consumers: a fresh one, so nothing of the tp:ipc producer is in it.</summary>
    public string AeronNameSpace => AeronNameSpaceOf(NameSpace);

    public SharedPage Page { get; }

    public IReadOnlyList<ChildProcess> Children => _children;

    public List<string> SocketPaths { get; } = [];

    public int Count => _children.Count;

    /// <summary>Wait until every peer printed <c>ready</c> (for the consumer, then again for the socket).</summary>
    public void WaitReady()
    {
        foreach (ChildProcess child in _children)
        {
            child.WaitReady(Session.ChildTimeout);
        }
    }

    /// <summary>
    /// Put every consumer's word below <see cref="FrameConsumerChild.Mapped"/> again before the consumers of the next
    /// transport map (called between lives, when the previous consumers have printed their results).
    /// </summary>
    public void ResetProgress() => ResetProgress(Count);

    private unsafe void ResetProgress(int consumers)
    {
        for (int i = 0; i < consumers; i++)
        {
            Volatile.Write(ref *Page.ConsumerWord(i), long.MinValue); // below FrameConsumerChild.Mapped until mapped
        }
    }

    /// <summary>The child side: the tp:ipc consumer, the aeron:ipc consumer when asked for, then the receiver.</summary>
    public static int Child(string directory, SharedPage page, string[] args)
    {
        int rc = FrameConsumerChild.Run(directory, page, args[..3]);
        if (rc == 0 && args.Length > 5 && args[5] != NoAeron)
        {
            rc = FrameConsumerChild.Run(directory, page, [AeronNameSpaceOf(args[0]), args[1], args[2]], aeronDir: args[5]);
        }
        return rc != 0 ? rc : SocketCell.Child(args[3..5]);
    }

    private static string AeronNameSpaceOf(string nameSpace) => nameSpace + "-aeron";

    public void Dispose()
    {
        foreach (ChildProcess child in _children)
        {
            child.Dispose();
        }
        Page.Dispose();
    }
}
