using System.Text.Json;
using System.Text.Json.Serialization;

namespace TensorPool.Bench.Matrix;

/// <summary>bench.json: the report as camelCase JSON, indented, numbers as numbers.</summary>
public static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    public static BenchReport? Deserialize(string json) => JsonSerializer.Deserialize<BenchReport>(json, Options);
}
