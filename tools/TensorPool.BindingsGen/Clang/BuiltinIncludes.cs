using System.Diagnostics;

namespace TensorPool.BindingsGen.Clang;

/// <summary>
/// Finds the compiler's builtin headers (stddef.h, stdbool.h, stdarg.h). The libclang NuGet package ships
/// the library without clang's resource directory, so the generator borrows the headers of the C compiler
/// that builds libtensorpool: <c>$CC -print-file-name=include</c> (default <c>cc</c>). An explicit directory
/// (--builtin-include or TP_BINDINGS_BUILTIN_INCLUDE) wins.
/// </summary>
internal static class BuiltinIncludes
{
    public const string EnvironmentVariable = "TP_BINDINGS_BUILTIN_INCLUDE";

    public static string Find(string? explicitDirectory)
    {
        string? chosen = explicitDirectory;
        string source = "--builtin-include";
        if (string.IsNullOrEmpty(chosen))
        {
            chosen = Environment.GetEnvironmentVariable(EnvironmentVariable);
            source = EnvironmentVariable;
        }
        if (!string.IsNullOrEmpty(chosen))
        {
            if (!File.Exists(Path.Combine(chosen, "stddef.h")))
            {
                throw new BindingsException($"{source}: '{chosen}' holds no stddef.h; point it at a compiler's builtin include directory.");
            }
            return Path.GetFullPath(chosen);
        }

        string compiler = Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? cc : "cc";
        string? fromCompiler = AskCompiler(compiler);
        if (fromCompiler is not null && File.Exists(Path.Combine(fromCompiler, "stddef.h")))
        {
            return fromCompiler;
        }
        throw new BindingsException(
            $"cannot find the compiler's builtin headers (stddef.h): '{compiler} -print-file-name=include' gave " +
            $"'{fromCompiler ?? "nothing"}'. Install gcc or clang, set CC, or pass --builtin-include <dir> " +
            $"(or {EnvironmentVariable}).");
    }

    private static string? AskCompiler(string compiler)
    {
        var psi = new ProcessStartInfo(compiler)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-print-file-name=include");
        try
        {
            using Process? process = Process.Start(psi);
            if (process is null)
            {
                return null;
            }
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            string path = output.GetAwaiter().GetResult().Trim();
            // gcc echoes the bare name back when it has no such file: only an absolute path is an answer.
            return process.ExitCode == 0 && Path.IsPathRooted(path) ? path : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
