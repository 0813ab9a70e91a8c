namespace TensorPool.TestHost;

/// <summary>
/// Marks a <c>public static int Name(string[] args)</c> method as a scenario that tests can start in a
/// child process by name. Each area keeps its scenarios in its own file under Scenarios/.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ScenarioAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
