using System.Globalization;

namespace TensorPool.Fuzz;

/// <summary>The command line: <c>TensorPool.Fuzz [--seconds N] [--target NAME]... [--corpus DIR] [--extra DIR]... [--crashes DIR] [--seed N]</c>.</summary>
internal sealed class FuzzSettings
{
    public TimeSpan Budget { get; private set; } = TimeSpan.FromSeconds(10);

    public List<string> Targets { get; } = [];

    /// <summary>The committed corpus and regressions: <c>&lt;dir&gt;/corpus/&lt;target&gt;</c>, <c>&lt;dir&gt;/regressions/&lt;target&gt;</c>.</summary>
    public string? CorpusRoot { get; private set; }

    /// <summary>Folders of extra seeds for every target (the reference's messages, when present).</summary>
    public List<string> Extra { get; } = [];

    public string CrashDir { get; private set; } = Path.Combine(Path.GetTempPath(), "tp-fuzz-crashes");

    public int Seed { get; private set; } = Environment.TickCount;

    public string? WriteSeeds { get; private set; }

    public static FuzzSettings Parse(string[] args)
    {
        var s = new FuzzSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds":
                    s.Budget = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--target":
                    s.Targets.Add(Next());
                    break;
                case "--corpus":
                    s.CorpusRoot = Next();
                    break;
                case "--extra":
                    s.Extra.Add(Next());
                    break;
                case "--crashes":
                    s.CrashDir = Next();
                    break;
                case "--seed":
                    s.Seed = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--write-seeds":
                    s.WriteSeeds = Next();
                    break;
                default:
                    throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return s;
    }

    /// <summary>Existing folders whose files are replayed before fuzzing <paramref name="target"/>.</summary>
    public IEnumerable<string> InputDirs(string target)
    {
        var dirs = new List<string>();
        if (CorpusRoot is not null)
        {
            dirs.Add(Path.Combine(CorpusRoot, "corpus", target));
            dirs.Add(Path.Combine(CorpusRoot, "regressions", target));
        }
        dirs.AddRange(Extra);
        return dirs.Where(Directory.Exists);
    }
}
