namespace TensorPool.TestHost.Scenarios;

/// <summary>Scenarios that check the child-process plumbing itself.</summary>
public static class HostScenarios
{
    /// <summary>Prints its arguments back, one per line, after a ready line.</summary>
    [Scenario("echo")]
    public static int Echo(string[] args)
    {
        Console.WriteLine("ready");
        foreach (string a in args)
        {
            Console.WriteLine("arg " + a);
        }
        return args.Length;
    }
}
