using System.Diagnostics;
using System.Security.Cryptography;

namespace TensorPool.Fuzz;

/// <summary>
/// Runs one target for a time budget: first every seed, committed corpus file and crash regression (a regression that
/// still fails is a finding), then random inputs from the target's generator and mutations of the corpus. An input
/// with an outcome not seen before joins the corpus (outcome signatures stand in for coverage, which .NET cannot
/// report to a fuzzer here). Findings are written to the crash folder, one file per distinct failure.
/// </summary>
internal sealed class FuzzRun(IFuzzTarget target, FuzzSettings settings, IReadOnlyList<byte[]> dictionary)
{
    private const int MaxCorpus = 4096;

    private readonly List<byte[]> _corpus = [];
    private readonly HashSet<string> _signatures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failures = new(StringComparer.Ordinal);

    public long Executions { get; private set; }

    public int Crashes => _failures.Count;

    public int Signatures => _signatures.Count;

    public void Run(Watchdog watchdog)
    {
        var random = new Random(settings.Seed ^ target.Name.GetHashCode(StringComparison.Ordinal));
        foreach (byte[] seed in target.Seeds(new Random(1)))
        {
            Execute(seed, watchdog, addToCorpus: true);
        }
        foreach (string dir in settings.InputDirs(target.Name))
        {
            foreach (string file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                Execute(File.ReadAllBytes(file), watchdog, addToCorpus: true);
            }
        }
        var mutator = new Mutator(random, dictionary);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < settings.Budget)
        {
            byte[]? input = random.Next(4) == 0 ? target.Generate(random) : null;
            if (input is null)
            {
                byte[] parent = _corpus.Count > 0 ? _corpus[random.Next(_corpus.Count)] : [];
                input = mutator.Mutate(parent, _corpus);
            }
            Execute(input, watchdog, addToCorpus: true);
        }
    }

    private void Execute(byte[] input, Watchdog watchdog, bool addToCorpus)
    {
        Executions++;
        string signature;
        watchdog.Begin(target.Name, input);
        try
        {
            signature = target.Run(input);
        }
        catch (Exception e)
        {
            watchdog.End();
            Record(input, e);
            return;
        }
        watchdog.End();
        if (addToCorpus && _signatures.Add(signature) && _corpus.Count < MaxCorpus)
        {
            _corpus.Add(input);
        }
    }

    private void Record(byte[] input, Exception e)
    {
        string kind = e is FuzzFindingException ? "invariant" : e.GetType().Name;
        string first = e.Message.Split('\n')[0];
        string key = kind + ": " + (first.Length > 120 ? first[..120] : first);
        if (!_failures.Add(key))
        {
            return;
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(input).AsSpan(0, 20));
        string dir = Path.Combine(settings.CrashDir, target.Name);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "crash-" + hash);
        File.WriteAllBytes(path, input);
        File.WriteAllText(path + ".txt", e.ToString());
        Console.Error.WriteLine($"fuzz {target.Name}: {key} (input {path})");
    }
}
