using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using TensorPool.Agents;
using TensorPool.Bench.TraceLink;
using TensorPool.Sbe.Wire;
using TensorPool.TraceLink;
using TensorPool.TraceLink.Store;
using TensorPool.Transport;

// A pipeline at a fixed frame rate, as tp trace record sees it: cycles of four frames (camera A on 10000, camera B on
// 10001, their join J on 10002, a filter passing J on to 10003) and one TraceLinkSet (J <- A, B) per cycle, published
// on tp:ipc by one thread; a TraceRecorder polls the two streams on another and a TraceStore writes on a third. At the
// end: frames and links in the database against what was published, and every loss by cause.
Settings settings;
try
{
    settings = Settings.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine("tracelink bench: " + e.Message);
    return 2;
}

if (settings.StoreOnly)
{
    return StoreOnly(settings);
}

string shm = Directory.CreateDirectory(Path.Combine("/dev/shm", "tp-tracelink-bench-" + Environment.ProcessId)).FullName;
string dbDir = Directory.CreateDirectory(Path.Combine(settings.DbDir, "tp-tracelink-db-" + Environment.ProcessId)).FullName;
string db = Path.Combine(dbDir, "trace.db");
try
{
    using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = shm, Namespace = "bench" });
    using var store = TraceStore.Open(new TraceStoreOptions { Path = db, FlushInterval = TimeSpan.FromMilliseconds(settings.FlushMs), QueueCapacity = settings.Queue });
    using var recorder = new TraceRecorder(transport, store);
    using IPublication descriptors = transport.AddPublication("tp:ipc", 1100);
    using IPublication control = transport.AddPublication("tp:ipc", 1000);
    var links = new TraceLinkQueue();
    var linker = new TraceLinker(new TraceIdGenerator(1), links);

    bool stop = false;
    double recorderCpu = 0;
    var recording = new Thread(() =>
    {
        var idle = new BackoffIdleStrategy();
        while (!Volatile.Read(ref stop))
        {
            idle.Idle(recorder.Poll());
        }
        while (recorder.Poll() > 0)
        {
        }
        recorderCpu = ThreadCpu.Seconds("recorder"); // before the thread (and its /proc entry) ends
    }) { Name = "recorder" };
    recording.Start();

    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var buffer = new byte[64];
    long frames = 0, cycles = 0, offerFailures = 0;
    long start = Stopwatch.GetTimestamp();
    long end = start + (long)(settings.Seconds * Stopwatch.Frequency);
    double cyclesPerTick = settings.Rate / 4 / Stopwatch.Frequency;
    ulong seq = 0;
    while (true)
    {
        long now = Stopwatch.GetTimestamp();
        if (now >= end)
        {
            break;
        }
        long due = (long)((now - start) * cyclesPerTick);
        if (cycles >= due)
        {
            Thread.Sleep(1); // ahead of the rate: give the CPU to the recorder, as a camera between frames would
            continue;
        }
        while (cycles < due)
        {
            ulong a = linker.Root();
            ulong b = linker.Root();
            offerFailures += Publish(descriptors, buffer, 10000, seq, a);
            offerFailures += Publish(descriptors, buffer, 10001, seq, b);
            ulong j = linker.Join(10002, 1, seq, [a, b]);
            offerFailures += Publish(descriptors, buffer, 10002, seq, j);
            offerFailures += Publish(descriptors, buffer, 10003, seq, linker.Forward(j));
            links.Drain(control); // the conductor's duty cycle, inline here
            frames += 4;
            cycles++;
            seq++;
        }
    }
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    links.Drain(control);
    Thread.Sleep(500); // the recorder reaches the end of the logs
    Volatile.Write(ref stop, true);
    recording.Join();
    recorder.ExpirePending();
    store.WaitForWrites(TimeSpan.FromMinutes(2));
    TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    double writerCpu = ThreadCpu.Seconds("trace-store-writer");

    long dbFrames, dbLinks;
    using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
    {
        c.Open();
        dbFrames = Count(c, "frames");
        dbLinks = Count(c, "trace_links");
    }
    TraceStoreCounters s = store.Counters;
    TraceRecorderCounters r = recorder.Counters;
    long lost = recorder.LostMessages + s.Dropped + links.Counters.Dropped + r.LinkSetsRejected + offerFailures;
    string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
    var lines = new (string Key, object Value)[]
    {
        ("targetFramesPerSecond", settings.Rate),
        ("seconds", Math.Round(seconds, 2)),
        ("framesPublished", frames),
        ("framesPerSecond", Math.Round(frames / seconds)),
        ("linkSetsPublished", links.Counters.Published),
        ("framesInDatabase", dbFrames),
        ("linksInDatabase", dbLinks),
        ("transportLost", recorder.LostMessages),
        ("storeDropped", s.Dropped),
        ("emissionDropped", links.Counters.Dropped),
        ("linkSetsRejected", r.LinkSetsRejected),
        ("offerFailures", offerFailures),
        ("lost", lost),
        ("transactions", s.Batches),
        ("longestTransactionMs", s.MaxBatchMicros / 1000.0),
        ("writeFailures", s.WriteFailures),
        ("processCpuSeconds", Math.Round(cpu.TotalSeconds, 2)),
        ("recorderCpuUsPerFrame", Math.Round(recorderCpu * 1e6 / Math.Max(1, frames), 2)),
        ("writerCpuUsPerFrame", Math.Round(writerCpu * 1e6 / Math.Max(1, frames), 2)),
        ("queueRecords", settings.Queue),
        ("dbDir", dbDir),
        ("loadAverage", load),
    };
    foreach ((string key, object value) in lines)
    {
        Console.WriteLine(settings.Json
            ? string.Create(CultureInfo.InvariantCulture, $"\"{key}\": {(value is string v ? "\"" + v + "\"" : Convert.ToString(value, CultureInfo.InvariantCulture))}")
            : string.Create(CultureInfo.InvariantCulture, $"{key,-24} {value}"));
    }
    bool complete = lost == 0 && dbFrames == frames && dbLinks == 2 * links.Counters.Published;
    Console.WriteLine(complete ? "verdict: every frame and link recorded" : "verdict: LOSS");
    return complete ? 0 : 1;
}
finally
{
    Directory.Delete(dbDir, recursive: true);
    Directory.Delete(shm, recursive: true);
}

static long Publish(IPublication publication, byte[] buffer, uint stream, ulong seq, ulong trace)
{
    var e = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
    e.StreamId = stream;
    e.Epoch = 1;
    e.Seq = seq;
    e.TraceId = trace;
    return publication.Offer(buffer.AsSpan(0, e.EncodedLength)) >= 0 ? 0 : 1;
}

static long Count(SqliteConnection c, string table)
{
    using SqliteCommand cmd = c.CreateCommand();
    cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
    return (long)cmd.ExecuteScalar()!;
}

// The writer alone: the most rows a second this machine's SQLite takes through the store, with the same mix of
// four frames and two links a cycle, and the process CPU that cost.
static int StoreOnly(Settings settings)
{
    string dbDir = Directory.CreateDirectory(Path.Combine(settings.DbDir, "tp-tracelink-db-" + Environment.ProcessId)).FullName;
    try
    {
        using var store = TraceStore.Open(new TraceStoreOptions { Path = Path.Combine(dbDir, "trace.db"), FlushInterval = TimeSpan.FromMilliseconds(settings.FlushMs) });
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(settings.Seconds * Stopwatch.Frequency);
        long rows = 0, refused = 0;
        ulong seq = 0;
        Span<ulong> parents = stackalloc ulong[2];
        while (Stopwatch.GetTimestamp() < end)
        {
            for (uint stream = 10000; stream < 10004; stream++)
            {
                var frame = new TraceFrame { StreamId = stream, Epoch = 1, Seq = seq, TraceId = Trace(seq, stream), TimeNs = (long)seq };
                while (!store.TryRecordFrame(frame))
                {
                    refused++;
                    Thread.Sleep(1);
                }
            }
            parents[0] = Trace(seq, 10000);
            parents[1] = Trace(seq, 10001);
            while (!store.TryRecordLinks(Trace(seq, 10002), parents))
            {
                refused++;
                Thread.Sleep(1);
            }
            rows += 6;
            seq++;
        }
        store.WaitForWrites(TimeSpan.FromMinutes(5));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        double writer = ThreadCpu.Seconds("trace-store-writer");
        TraceStoreCounters s = store.Counters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store only: {rows} rows ({s.FramesWritten} frames, {s.LinksWritten} links) in {seconds:F2} s = {rows / seconds:F0} rows/s ({s.FramesWritten / seconds:F0} frames/s with their links), " +
            $"{s.Batches} transactions (longest {s.MaxBatchMicros / 1000.0:F1} ms), process CPU {cpu.TotalSeconds:F2} s, writer thread {writer:F2} s = {writer * 1e6 / rows:F2} us/row, load {File.ReadAllText("/proc/loadavg").Trim()}"));
        return 0;
    }
    finally
    {
        Directory.Delete(dbDir, recursive: true);
    }
}

static ulong Trace(ulong seq, uint stream) => (seq << 4) + (stream - 10000) + 1;
