using System.Diagnostics;

namespace TensorPool.Bench.Tests;

/// <summary>Ctrl-C in the middle of <c>tp bench</c> leaves no shared memory and no child process behind.</summary>
[TestFixture]
public sealed class InterruptTests
{
    [Test]
    public void Sigint_removes_the_session_directory_and_the_children_end()
    {
        using var dir = new TensorPool.Testing.TempDirectory();
        var psi = new ProcessStartInfo("dotnet");
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "tp.dll"), "bench", "--quick", "--out", dir.Path })
        {
            psi.ArgumentList.Add(a);
        }
        using TensorPool.Testing.ChildProcess tp = TensorPool.Testing.ChildProcess.Start(psi);
        string session = $"/dev/shm/tp-bench-{tp.Id}";
        Assert.That(Eventually(() => Directory.Exists(session) && Directory.EnumerateFiles(session, "page-*").Any(), TimeSpan.FromMinutes(2)),
            Is.True, "the run started: " + tp.StandardError);

        using (Process kill = Process.Start("kill", ["-INT", tp.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        int exit = tp.WaitForExit(TimeSpan.FromMinutes(2));

        Assert.That(exit, Is.Not.Zero, "interrupted, not finished");
        Assert.That(Directory.Exists(session), Is.False, "shared memory removed");
        Assert.That(Eventually(() => !ProcessesMentioning(session).Any(), TimeSpan.FromMinutes(3)), Is.True,
            "children still running: " + string.Join(", ", ProcessesMentioning(session)));
    }

    private static IEnumerable<int> ProcessesMentioning(string text)
    {
        foreach (string proc in Directory.EnumerateDirectories("/proc"))
        {
            string? cmdline = null;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(proc, "cmdline"));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            if (cmdline is not null && cmdline.Contains(text, StringComparison.Ordinal) && int.TryParse(Path.GetFileName(proc), out int pid))
            {
                yield return pid;
            }
        }
    }

    private static bool Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return condition();
    }
}
