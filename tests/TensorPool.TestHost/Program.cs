using System.Reflection;
using TensorPool.TestHost;

// Dispatches `TensorPool.TestHost <scenario> [args]` to the [Scenario] method of that name.
var scenarios = typeof(ScenarioAttribute).Assembly.GetTypes()
    .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
    .Select(m => (Method: m, Attr: m.GetCustomAttribute<ScenarioAttribute>()))
    .Where(x => x.Attr is not null)
    .ToDictionary(x => x.Attr!.Name, x => x.Method, StringComparer.Ordinal);

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out MethodInfo? method))
{
    Console.Error.WriteLine($"usage: TensorPool.TestHost <scenario> [args]; scenarios: {string.Join(", ", scenarios.Keys.Order())}");
    return 2;
}

try
{
    return (int)method.Invoke(null, [args[1..]])!;
}
catch (TargetInvocationException e) when (e.InnerException is not null)
{
    Console.Error.WriteLine($"scenario {args[0]} failed: {e.InnerException}");
    return 1;
}
