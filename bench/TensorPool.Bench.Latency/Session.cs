namespace TensorPool.Bench.Latency;

/// <summary>One run of the harness: a private directory under /dev/shm and the two CPUs to pin the sides to.</summary>
internal sealed class Session(string directory, int parentCpu, int childCpu) : IDisposable
{
    private int _files;

    public string Directory { get; } = directory;

    public int ParentCpu { get; } = parentCpu;

    public int ChildCpu { get; } = childCpu;

    public static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(5);

    /// <summary>A fresh shared page for one measurement.</summary>
    public (SharedPage Page, string Path) NewPage()
    {
        string path = Path.Combine(Directory, $"page-{++_files}");
        return (new SharedPage(path, create: true), path);
    }

    /// <summary>Start the child side of <paramref name="measure"/>, pinned, with the shared page and arguments.</summary>
    public ChildProcess StartChild(string measure, string pagePath, params string[] args) =>
        new([measure, Directory, ChildCpu.ToString(System.Globalization.CultureInfo.InvariantCulture), pagePath, .. args]);

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
