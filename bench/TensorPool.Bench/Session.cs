using TensorPool.Processes;

namespace TensorPool.Bench;

/// <summary>
/// One run of a harness: a private directory under /dev/shm, the CPU of the measuring parent and the CPUs its children
/// are pinned to (-1 = unpinned), and the arguments that make this program a child (<c>bench-child</c> for tp).
/// </summary>
public sealed class Session : IDisposable
{
    private readonly string[] _childPrefix;
    private int _files;

    public Session(string directory, int parentCpu, IReadOnlyList<int> childCpus, params string[] childPrefix)
    {
        Directory = directory;
        ParentCpu = parentCpu;
        ChildCpus = childCpus.Count == 0 ? [-1] : childCpus;
        _childPrefix = childPrefix;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>A session in a fresh directory of /dev/shm (the temporary directory where there is none).</summary>
    public static Session Create(string name, int parentCpu, IReadOnlyList<int> childCpus, params string[] childPrefix) =>
        new(Path.Combine(System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"{name}-{Environment.ProcessId}"),
            parentCpu, childCpus, childPrefix);

    public static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(5);

    public string Directory { get; }

    public int ParentCpu { get; }

    /// <summary>The CPUs children are pinned to, in turn (never empty).</summary>
    public IReadOnlyList<int> ChildCpus { get; }

    /// <summary>The first child's CPU.</summary>
    public int ChildCpu => ChildCpus[0];

    /// <summary>The CPU of child number <paramref name="index"/>: the child CPUs in turn.</summary>
    public int ChildCpuOf(int index) => ChildCpus[index % ChildCpus.Count];

    /// <summary>A fresh path in the session directory.</summary>
    public string NewPath(string prefix) => Path.Combine(Directory, $"{prefix}-{++_files}");

    /// <summary>A fresh shared page for one measurement.</summary>
    public (SharedPage Page, string Path) NewPage()
    {
        string path = NewPath("page");
        return (new SharedPage(path, create: true), path);
    }

    /// <summary>Start the child side of <paramref name="measure"/>, pinned to the first child CPU, with the shared page and arguments.</summary>
    public ChildProcess StartChild(string measure, string pagePath, params string[] args) =>
        StartChildOn(ChildCpu, measure, pagePath, args);

    /// <summary>Start the child side of <paramref name="measure"/> pinned to <paramref name="cpu"/>.</summary>
    public ChildProcess StartChildOn(int cpu, string measure, string pagePath, params string[] args) =>
        ChildProcess.StartSelf([.. _childPrefix, measure, Directory, Cpu.Format(cpu), pagePath, .. args]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
