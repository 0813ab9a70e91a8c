using System.ComponentModel;
using System.Diagnostics;

namespace TensorPool.Bench.Tests;

/// <summary>One run of a script of bench/ (bash or python3) to its end: exit code, stdout, stderr.</summary>
internal static class ScriptProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/>; ignores the test when it is not installed.</summary>
    public static (int Exit, string Stdout, string Stderr) Run(string program, IEnumerable<string> args, string? unsetVariable = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        if (unsetVariable is not null)
        {
            start.Environment.Remove(unsetVariable);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            Assert.Ignore($"{program} is not installed: the script cannot run here");
            throw;
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Assert.That(process.WaitForExit(60_000), Is.True, $"{program} did not finish within 60 s");
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
