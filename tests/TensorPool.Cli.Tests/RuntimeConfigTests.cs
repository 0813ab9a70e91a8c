using System.Text.Json;

namespace TensorPool.Cli.Tests;

/// <summary>tp runs without tiered compilation (D250): nothing compiles beside a data path that wakes every frame.</summary>
public class RuntimeConfigTests
{
    [Test]
    public void Tp_runs_with_tiered_compilation_off()
    {
        // The file `dotnet tp.dll` reads, as built beside the test (the packed tool carries the same one).
        string path = Path.Combine(AppContext.BaseDirectory, "tp.runtimeconfig.json");
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.That(properties.GetProperty("System.Runtime.TieredCompilation").GetBoolean(), Is.False, path);
    }
}
