using System.ComponentModel;
using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Native.Tests;

/// <summary>Runs a program to completion (bounded wait) and returns its exit code and output.</summary>
internal static class NativeProcess
{
    public sealed record Outcome(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    public static Outcome Run(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program);
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        ChildProcess child;
        try
        {
            child = ChildProcess.Start(psi);
        }
        catch (Win32Exception e)
        {
            Assert.Ignore($"cannot start '{program}': {e.Message}");
            throw;
        }
        using (child)
        {
            int exitCode = child.WaitForExit(TimeSpan.FromMinutes(5));
            return new Outcome(exitCode, child.StandardOutput, child.StandardError);
        }
    }

    /// <summary>Compiles a C file with the host compiler ($CC or cc) and the project's warning flags.</summary>
    public static string CompileC(string source, string output, params string[] includeDirectories)
    {
        string compiler = Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? cc : "cc";
        var arguments = new List<string> { "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wformat=2", "-D_GNU_SOURCE" };
        arguments.AddRange(includeDirectories.Select(d => "-I" + d));
        arguments.AddRange([source, "-o", output]);
        Outcome result = Run(compiler, arguments);
        Assert.That(result.ExitCode, Is.Zero, () => $"{compiler} failed on {source}:\n{result}");
        return output;
    }
}
