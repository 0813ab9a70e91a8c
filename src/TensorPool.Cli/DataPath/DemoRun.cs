using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Client;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// <c>tp demo</c>: one producer process and K consumer processes (children of this <c>tp</c>) on a private namespace,
/// live progress every second, a summary (or one JSON object) at the end, and the namespace's shared memory removed
/// afterwards, also after Ctrl-C.
/// </summary>
internal sealed class DemoRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly RunSettings _settings;
    private readonly FrameSpec _frame;
    private readonly double _rate;
    private readonly int _consumers;
    private readonly string _idle;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly DemoDriver _driver;
    private readonly DemoCpu _cpu = new();

    public DemoRun(RunSettings settings, FrameSpec frame, double rate, int consumers, string idle, DemoDriver driver, TextWriter output, TextWriter error)
    {
        _idle = idle;
        _driver = driver;
        _settings = settings;
        _frame = frame;
        _rate = rate;
        _consumers = consumers;
        _out = output;
        _err = error;
    }

    /// <summary>Human-readable lines: stdout normally, stderr when stdout carries the JSON result.</summary>
    private TextWriter Human => _settings.Json ? _err : _out;

    public int Run()
    {
        using var stop = new StopSignal(watchStandardInput: false);
        string nameSpace = _settings.Namespace;
        string namespaceDir = ShmLayout.NamespaceDirectory(_settings.ShmDir, nameSpace);
        string[] common =
        [
            "--stream", _settings.StreamId.ToString(CultureInfo.InvariantCulture),
            "--namespace", nameSpace,
            "--shm-dir", _settings.ShmDir,
            "--report",
            .. DriverArguments.For(_settings),
        ];
        Human.WriteLine($"tp demo: 1 producer and {_consumers} consumer processes (idle: {_idle}), {_frame.Describe()} frames, " +
            (_rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{_rate} Hz") : "as fast as possible") + ", " + Limits() + $"; shared memory in {namespaceDir}" +
            (_driver.Mode == "none" ? "; no driver" : $"; {_driver.Mode} driver on {_settings.DriverChannel} stream {_settings.DriverStreamId}"));
        PrintWatchCommands(nameSpace);

        var children = new List<DemoChild>();
        int exit = TpCommand.ExitOk;
        try
        {
            var consumers = new List<DemoChild>();
            for (int i = 0; i < _consumers; i++)
            {
                consumers.Add(DemoChild.Start($"consumer {i + 1}", ["consume", .. common, "--idle", _idle]));
            }
            children.AddRange(consumers);
            if (!WaitReady(consumers, stop))
            {
                return Fail(children, stop.IsSet ? "interrupted" : "a consumer did not start");
            }

            List<string> produce = ["produce", .. common, .. FrameArguments(), "--wait-consumers", _consumers.ToString(CultureInfo.InvariantCulture)];
            if (_settings.Frames is { } frames)
            {
                produce.AddRange(["--frames", frames.ToString(CultureInfo.InvariantCulture)]);
            }
            if (_settings.Duration is { } duration)
            {
                produce.AddRange(["--seconds", duration.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)]);
            }
            var producer = DemoChild.Start("producer", produce);
            children.Insert(0, producer);

            var clock = Stopwatch.StartNew();
            TimeSpan nextStatus = TimeSpan.FromSeconds(1);
            while (!producer.HasExited && !stop.IsSet)
            {
                Thread.Sleep(50);
                if (clock.Elapsed >= nextStatus)
                {
                    nextStatus += TimeSpan.FromSeconds(1);
                    // The first sample at 1 s: the steady window leaves the start-up (JIT, mapping) out.
                    _cpu.Sample(children.Select(c => c.ProcessId).Prepend(Environment.ProcessId), clock.Elapsed);
                    PrintStatus(clock.Elapsed, producer, consumers);
                }
            }
            if (stop.IsSet)
            {
                Human.WriteLine($"tp demo: {stop.Signal}: stopping the children and cleaning up");
                producer.Stop();
                exit = 130;
            }
            if (!producer.WaitForExit(StartTimeout))
            {
                return Fail(children, "the producer did not stop");
            }
            long published = producer.Result?.GetProperty("published").GetInt64() ?? -1;
            foreach (DemoChild c in consumers)
            {
                c.Stop(published);
            }
            foreach (DemoChild c in consumers)
            {
                if (!c.WaitForExit(StartTimeout))
                {
                    return Fail(children, $"{c.Name} did not stop");
                }
            }
            if (producer.ExitCode != 0 || producer.Result is null)
            {
                return Fail(children, $"the producer failed (exit {producer.ExitCode})");
            }
            if (consumers.Any(c => c.Result is null))
            {
                return Fail(children, "a consumer printed no result");
            }
            long corrupt = consumers.Sum(c => c.Result!.Value.GetProperty("corrupt").GetInt64());
            if (exit == TpCommand.ExitOk && corrupt > 0)
            {
                exit = TpCommand.ExitFailure;
            }
            PrintSummary(producer, consumers, namespaceDir);
            return exit;
        }
        finally
        {
            foreach (DemoChild c in children)
            {
                c.Dispose();
            }
            _driver.Dispose(); // an embedded driver removes its epochs first
            if (_driver.OwnsSharedMemory)
            {
                RemoveNamespace(namespaceDir);
            }
        }
    }

    /// <summary>
    /// The commands that watch this run from another terminal: its namespace is its own, so the defaults of
    /// <c>tp status</c> and <c>tp listen</c> would not find it.
    /// </summary>
    private void PrintWatchCommands(string nameSpace)
    {
        string location = $"--namespace {ShellWord(nameSpace)} --shm-dir {ShellWord(_settings.ShmDir)}";
        Human.WriteLine("  to watch it from another terminal:");
        Human.WriteLine($"    tp status {location} --watch");
        Human.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    tp listen {location} --stream {ClientOptions.DefaultControlStreamId}"));
        Human.Flush();
    }

    /// <summary>A word as a POSIX shell reads it back: quoted unless it holds only characters that need no quoting.</summary>
    private static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or ':' or '=' or ',' or '+')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private string Limits() =>
        string.Join(" or ", new[]
        {
            _settings.Frames is { } f ? $"{f} frames" : null,
            _settings.Duration is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds} s") : null,
        }.Where(s => s is not null));

    private IEnumerable<string> FrameArguments()
    {
        yield return "--rate";
        yield return _rate.ToString("R", CultureInfo.InvariantCulture);
        if (_frame.Dims.Length == 1 && _frame.Dtype == Sbe.Wire.Dtype.Uint8)
        {
            yield return "--bytes";
            yield return _frame.Bytes.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            yield return "--shape";
            yield return string.Join('x', _frame.Dims);
            yield return "--dtype";
            yield return _frame.Dtype.ToSbeName()!.ToLowerInvariant();
        }
    }

    private static bool WaitReady(List<DemoChild> consumers, StopSignal stop)
    {
        var clock = Stopwatch.StartNew();
        while (!consumers.All(c => c.IsReady))
        {
            if (stop.IsSet || clock.Elapsed > StartTimeout || consumers.Any(c => c.HasExited))
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    private int Fail(List<DemoChild> children, string why)
    {
        foreach (DemoChild c in children)
        {
            c.Stop();
        }
        foreach (DemoChild c in children)
        {
            if (!c.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                c.Kill();
            }
        }
        _err.WriteLine($"tp demo: {why}");
        foreach (DemoChild c in children.Where(c => c.StandardError.Length > 0))
        {
            _err.WriteLine($"--- {c.Name} stderr:\n{c.StandardError.TrimEnd()}");
        }
        return TpCommand.ExitFailure;
    }

    private void PrintStatus(TimeSpan elapsed, DemoChild producer, List<DemoChild> consumers)
    {
        TextWriter w = Human;
        List<JsonElement> latest = [.. consumers.Select(c => c.Latest).OfType<JsonElement>()];
        if (latest.Count > 0)
        {
            // First: what the idle mode costs beside what it gives (issue 14), e.g. "wait: 0.02 cores, p99 31.0 µs".
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{elapsed.TotalSeconds,5:F1} s] ") + CostLine(_cpu.RecentCores, latest));
        }
        if (producer.Latest is { } p)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, 
                $"[{elapsed.TotalSeconds,5:F1} s] producer    {p.GetProperty("published").GetInt64(),12:N0} frames {p.GetProperty("framesPerSecond").GetDouble(),10:N0} f/s {p.GetProperty("bytesPerSecond").GetDouble() / 1e6,9:N1} MB/s"));
        }
        foreach (DemoChild c in consumers)
        {
            if (c.Latest is { } s)
            {
                w.WriteLine("          " + ConsumerLine(c.Name, s));
            }
        }
        w.Flush();
    }

    /// <summary>"idle wait: 0.02 cores (4 processes), p50 … p99 …" with the worst consumer's percentiles.</summary>
    private string CostLine(double? cores, List<JsonElement> consumers)
    {
        long p50 = consumers.Max(c => c.GetProperty("latencyNs").GetProperty("p50").GetInt64());
        long p99 = consumers.Max(c => c.GetProperty("latencyNs").GetProperty("p99").GetInt64());
        string used = cores is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c:F2} cores") : "- cores";
        return string.Create(CultureInfo.InvariantCulture,
            $"{_idle}: {used} ({_cpu.Processes} processes)  p50 {p50 / 1000.0:N1} µs  p99 {p99 / 1000.0:N1} µs (worst consumer)");
    }

    private static string ConsumerLine(string name, JsonElement s)
    {
        JsonElement latency = s.GetProperty("latencyNs");
        return string.Create(CultureInfo.InvariantCulture, 
            $"{name,-11} {s.GetProperty("accepted").GetInt64(),12:N0} accepted {s.GetProperty("framesPerSecond").GetDouble(),8:N0} f/s {s.GetProperty("bytesPerSecond").GetDouble() / 1e6,9:N1} MB/s" +
            $"  p50 {latency.GetProperty("p50").GetInt64() / 1000.0:N1} µs  p99 {latency.GetProperty("p99").GetInt64() / 1000.0:N1} µs" +
            $"  drops gap {s.GetProperty("dropsGap").GetInt64()} late {s.GetProperty("dropsLate").GetInt64()} other {s.GetProperty("dropsOther").GetInt64()}" +
            $"  corrupt {s.GetProperty("corrupt").GetInt64()}");
    }

    private void PrintSummary(DemoChild producer, List<DemoChild> consumers, string namespaceDir)
    {
        JsonElement p = producer.Result!.Value;
        if (_settings.Json)
        {
            _out.WriteLine(JsonText.Object(w =>
            {
                w.WriteNumber("published", p.GetProperty("published").GetInt64());
                w.WriteNumber("framesPerSecond", p.GetProperty("framesPerSecond").GetDouble());
                w.WriteNumber("bytesPerSecond", p.GetProperty("bytesPerSecond").GetDouble());
                w.WriteNumber("frameBytes", p.GetProperty("frameBytes").GetInt64());
                w.WriteString("driver", _driver.Mode);
                w.WriteString("idle", _idle);
                w.WriteNumber("processes", _cpu.Processes);
                if (_cpu.WindowCores is { } cores)
                {
                    w.WriteNumber("cores", Math.Round(cores, 4));
                }
                else
                {
                    w.WriteNull("cores"); // the run ended before two samples (under 2 s)
                }
                w.WriteNumber("coresWindowSeconds", Math.Round(_cpu.Window.TotalSeconds, 3));
                w.WriteNumber("epoch", p.GetProperty("epoch").GetUInt64());
                w.WriteStartArray("leases");
                foreach (DemoChild c in consumers.Prepend(producer))
                {
                    if (c.Result!.Value.TryGetProperty("leaseId", out JsonElement lease))
                    {
                        w.WriteStartObject();
                        w.WriteString("holder", c.Name);
                        w.WriteNumber("leaseId", lease.GetUInt64());
                        w.WriteEndObject();
                    }
                }
                w.WriteEndArray();
                w.WriteStartArray("consumers");
                foreach (DemoChild c in consumers)
                {
                    c.Result!.Value.WriteTo(w);
                }
                w.WriteEndArray();
            }, indented: true));
        }
        TextWriter h = Human;
        h.WriteLine();
        h.WriteLine(string.Create(CultureInfo.InvariantCulture, 
            $"Summary: published {p.GetProperty("published").GetInt64():N0} frames of {_frame.Describe()} in {p.GetProperty("seconds").GetDouble():F1} s: " +
            $"{p.GetProperty("framesPerSecond").GetDouble():N0} frames/s, {p.GetProperty("bytesPerSecond").GetDouble() / 1e6:N1} MB/s"));
        h.WriteLine("  " + CostLine(_cpu.WindowCores, [.. consumers.Select(c => c.Result!.Value)]) +
            string.Create(CultureInfo.InvariantCulture, $"; cores over the last {_cpu.Window.TotalSeconds:F0} s, from /proc utime+stime"));
        foreach (DemoChild c in consumers)
        {
            JsonElement s = c.Result!.Value;
            h.WriteLine("  " + ConsumerLine(c.Name, s) + string.Create(CultureInfo.InvariantCulture, $"  p99.9 {s.GetProperty("latencyNs").GetProperty("p999").GetInt64() / 1000.0:N1} µs"));
        }
        h.WriteLine("  drops: gap = never received, late = overwritten before or while read (counted, never torn), other = epoch/unmapped/invalid.");
        h.WriteLine($"  corrupt = accepted frames whose content failed its check: {(consumers.All(c => c.Result!.Value.GetProperty("corrupt").GetInt64() == 0) ? "none" : "SOME (a bug)")}.");
        int leases = consumers.Prepend(producer).Count(c => c.Result!.Value.TryGetProperty("leaseId", out _));
        h.WriteLine(_driver.Mode == "none"
            ? $"  no driver: the producer owned its regions (epoch {p.GetProperty("epoch").GetUInt64()})"
            : $"  {_driver.Mode} driver: epoch {p.GetProperty("epoch").GetUInt64()}, {leases} leases (1 producer, {leases - 1} consumers)");
        h.WriteLine(_driver.OwnsSharedMemory ? $"  shared memory removed: {namespaceDir}" : $"  shared memory left to the external driver: {namespaceDir}");
        h.Flush();
    }

    private void RemoveNamespace(string namespaceDir)
    {
        try
        {
            if (Directory.Exists(namespaceDir))
            {
                Directory.Delete(namespaceDir, recursive: true);
            }
        }
        catch (IOException e)
        {
            _err.WriteLine($"tp demo: could not remove {namespaceDir}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            _err.WriteLine($"tp demo: could not remove {namespaceDir}: {e.Message}");
        }
    }
}
