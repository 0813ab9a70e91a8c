using System.Globalization;
using TensorPool.Processes;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The consumer processes of one cell. Each is started once (<c>cell-peer DIR CPU PAGE NAMESPACE INDEX YIELD SOCKET
/// SIZE</c>): first the tp:ipc consumer (<see cref="FrameConsumerChild"/>) until <c>stop</c>, then the Unix-socket
/// receiver (<see cref="SocketCell.Child"/>) of the same frames. One process start per consumer and cell, all started
/// together, keeps <c>--quick</c> short on a loaded 2-core machine.
/// </summary>
public sealed class CellPeers : IDisposable
{
    public const string Measure = "cell-peer";

    private readonly List<ChildProcess> _children = [];

    public CellPeers(Session session, CpuPlan plan, int size, int consumers)
    {
        NameSpace = string.Create(CultureInfo.InvariantCulture, $"cell-{size}-{consumers}");
        (Page, string pagePath) = session.NewPage();
        unsafe
        {
            for (int i = 0; i < consumers; i++)
            {
                *Page.ConsumerWord(i) = long.MinValue; // below FrameConsumerChild.Mapped until the consumer has mapped
            }
        }
        string yield = plan.Oversubscribed(consumers) ? "1" : "0";
        try
        {
            for (int i = 0; i < consumers; i++)
            {
                string socketPath = session.NewPath("sock");
                SocketPaths.Add(socketPath);
                _children.Add(session.StartChildOn(session.ChildCpuOf(i), Measure, pagePath, NameSpace,
                    i.ToString(CultureInfo.InvariantCulture), yield, socketPath, size.ToString(CultureInfo.InvariantCulture)));
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

    /// <summary>The child side: the consumer, then the receiver.</summary>
    public static int Child(string directory, SharedPage page, string[] args)
    {
        int rc = FrameConsumerChild.Run(directory, page, args[..3]);
        return rc != 0 ? rc : SocketCell.Child(args[3..]);
    }

    public void Dispose()
    {
        foreach (ChildProcess child in _children)
        {
            child.Dispose();
        }
        Page.Dispose();
    }
}
