using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>The stdin/stdout line protocol of the TestHost data-path and control scenarios: <c>stop</c>, <c>result {json}</c>.</summary>
internal static class ScenarioLines
{
    /// <summary>Send <c>stop</c>, wait for the <c>result {json}</c> line and a clean exit; the JSON.</summary>
    public static JsonElement Result(ChildProcess child, TimeSpan timeout)
    {
        child.WriteLine("stop");
        string line = child.WaitForLine("result ", timeout);
        Assert.That(child.WaitForExit(timeout), Is.Zero, child.StandardError);
        return JsonDocument.Parse(line["result ".Length..]).RootElement.Clone();
    }

    /// <summary>Send <c>stop</c> and wait for a clean exit.</summary>
    public static void Stop(ChildProcess child, TimeSpan timeout)
    {
        child.WriteLine("stop");
        Assert.That(child.WaitForExit(timeout), Is.Zero, child.StandardError);
    }
}
