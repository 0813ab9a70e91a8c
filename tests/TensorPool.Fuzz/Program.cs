using System.Globalization;
using TensorPool.Fuzz;
using TensorPool.Fuzz.Targets;

// The C# fuzz harness (docs/reliability.md). One line per target, then
// "csharp: T targets, E executions, C crashes"; exit 1 when anything was found.
FuzzSettings settings;
try
{
    settings = FuzzSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("TensorPool.Fuzz: " + e.Message);
    return 2;
}

string root = FindRepoRoot();
string schemas = Path.Combine(root, "schemas");
var generators = new List<SbeMessageGenerator>();
var targets = new List<IFuzzTarget>();
foreach ((string name, string file) in new[]
{
    ("sbe-wire", "wire-schema.xml"),
    ("sbe-driver", "driver-schema.xml"),
    ("sbe-discovery", "discovery-schema.xml"),
    ("sbe-joinbarrier", "join-barrier-schema.xml"),
    ("sbe-tracelink", "trace-link-schema.xml"),
})
{
    var target = new SbeSchemaTarget(name, Path.Combine(schemas, file));
    targets.Add(target);
    generators.Add(new SbeMessageGenerator(SbeMessageGenerator.Load(Path.Combine(schemas, file))));
}
targets.Add(new ShmLayoutTarget());
targets.Add(new SbeJsonTarget(generators));
targets.Add(new DriverTomlTarget(root));

if (settings.Targets.Count > 0)
{
    var unknown = settings.Targets.Where(t => targets.All(x => x.Name != t)).ToList();
    if (unknown.Count > 0)
    {
        Console.Error.WriteLine($"TensorPool.Fuzz: unknown target(s) {string.Join(", ", unknown)}; known: {string.Join(", ", targets.Select(t => t.Name))}");
        return 2;
    }
    targets = [.. targets.Where(t => settings.Targets.Contains(t.Name))];
}

if (settings.WriteSeeds is { } seedDir)
{
    // The committed corpus: what the seeds and a short run found distinct, from the project's own encoders.
    foreach (IFuzzTarget t in targets)
    {
        string dir = Path.Combine(seedDir, t.Name);
        Directory.CreateDirectory(dir);
        int i = 0;
        foreach (byte[] seed in t.Seeds(new Random(1)))
        {
            File.WriteAllBytes(Path.Combine(dir, $"seed-{i++:D3}"), seed);
        }
    }
    return 0;
}

long executions = 0;
int crashes = 0;
using (var watchdog = new Watchdog(TimeSpan.FromSeconds(20), settings.CrashDir))
{
    foreach (IFuzzTarget target in targets)
    {
        IReadOnlyList<byte[]> dictionary = target switch
        {
            DriverTomlTarget => DriverTomlTarget.Dictionary,
            SbeJsonTarget => SbeJsonTarget.Dictionary,
            _ => [],
        };
        var run = new FuzzRun(target, settings, dictionary);
        run.Run(watchdog);
        executions += run.Executions;
        crashes += run.Crashes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {target.Name,-16} {run.Executions,10} executions, {run.Crashes} crashes, {run.Signatures} outcomes"));
    }
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"csharp: {targets.Count} targets, {executions} executions, {crashes} crashes"));
return crashes == 0 ? 0 : 1;

static string FindRepoRoot()
{
    for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        if (File.Exists(Path.Combine(dir, "TensorPool.sln")))
        {
            return dir;
        }
    }
    return Directory.GetCurrentDirectory();
}
