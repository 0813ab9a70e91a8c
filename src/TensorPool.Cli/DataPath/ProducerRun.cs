using System.Globalization;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using TensorPool.Client;
using TensorPool.Frames.Internal;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// The producing half of <c>tp demo</c> (and <c>tp produce</c>): synthetic self-checking frames (see
/// <see cref="SyntheticPayload"/>) written in place, at a fixed rate or as fast as possible.
/// </summary>
internal sealed class ProducerRun
{
    /// <summary>Region memory a default ring may take (slots × stride).</summary>
    private const long DefaultRingBudget = 512L << 20;

    /// <summary>The longest sleep of the pacing: the loop checks its stop conditions and reports at least this often.</summary>
    private static readonly TimeSpan MaxPaceWait = TimeSpan.FromMilliseconds(100);

    private readonly RunSettings _settings;
    private readonly FrameSpec _frame;
    private readonly double _rateHz;
    private readonly int _slots;
    private readonly int _waitConsumers;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly ProducerControlSettings _control;
    private readonly byte[] _scratch;
    private ulong _firstTraceId;
    private ulong _lastTraceId;
    private long _windowPublished;
    private long _windowTicks;

    public ProducerRun(RunSettings settings, FrameSpec frame, double rateHz, int? slots, int waitConsumers, TextWriter output, TextWriter error,
        ProducerControlSettings? control = null)
    {
        _control = control ?? ProducerControlSettings.Default;
        _scratch = _control.ProgressRows > 0 ? new byte[frame.Bytes] : [];
        _settings = settings;
        _frame = frame;
        _rateHz = rateHz;
        _waitConsumers = waitConsumers;
        _out = output;
        _err = error;
        _slots = slots ?? DefaultSlots(Stride(frame.Bytes));
    }

    public static uint Stride(int bytes) => (uint)((bytes + 63) & ~63);

    /// <summary>64 slots, fewer when frames are so large that 64 would take more than 512 MiB; at least 2.</summary>
    public static int DefaultSlots(uint stride)
    {
        long slots = Math.Clamp(DefaultRingBudget / stride, 2, 64);
        return 1 << BitOperations.Log2((ulong)slots);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public int Run()
    {
        using var stop = new StopSignal(_settings.Report);
        var consumersOnEpoch = new ConcurrentDictionary<uint, bool>();
        ulong epoch = 0;
        ClientOptions options = _settings.CreateClientOptions(o => o.QosHandler = message =>
        {
            // QosConsumer tells which consumers have mapped this producer's epoch (§10.4.1).
            if (SbeMessageHeader.TryRead(message, out SbeMessageHeader h) && h.SchemaId == 900 && h.TemplateId == QosConsumerDecoder.TemplateId &&
                QosConsumerDecoder.TryWrap(message, out QosConsumerDecoder q) && q.StreamId == _settings.StreamId && q.Epoch == Volatile.Read(ref epoch) && epoch != 0)
            {
                consumersOnEpoch.TryAdd(q.ConsumerId, true);
            }
        });
        using TensorPoolClient client = TensorPoolClient.Connect(options);
        using Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = _settings.StreamId,
            HeaderNslots = _slots,
            Pools = [new PayloadPoolOptions(1, Stride(_frame.Bytes))],
            Name = _control.Name,
            Summary = _frame.Describe(),
            Metadata = [.. _control.Metadata],
            Trace = _settings.Trace,
        });
        Volatile.Write(ref epoch, producer.Epoch);
        if (producer.DriverLease is { Refusals: > 0 } refused)
        {
            Log($"the driver refused the stream {refused.Refusals} time(s) before granting it (last: {refused.LastRefusal})");
        }
        Log($"producing {_frame.Describe()} on stream {_settings.StreamId}, epoch {producer.Epoch}, {_slots} slots, " +
            (_rateHz > 0 ? string.Create(CultureInfo.InvariantCulture, $"{_rateHz} Hz") : "as fast as possible"));

        if (_waitConsumers > 0)
        {
            var deadline = Stopwatch.StartNew();
            while (consumersOnEpoch.Count < _waitConsumers && !stop.IsSet)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    _err.WriteLine($"tp produce: only {consumersOnEpoch.Count} of {_waitConsumers} consumers mapped the stream within 60 s");
                    return TpCommand.ExitFailure;
                }
                Thread.Sleep(10);
            }
        }

        long published = 0;
        long started = Stopwatch.GetTimestamp();
        long lossesBefore = producer.DriverLease?.Losses ?? 0;
        long losses = lossesBefore;
        _windowTicks = started;
        long nextReport = started + Stopwatch.Frequency / 2;
        // Sleeps to each deadline with a short final spin (a camera's frame clock), instead of spinning between frames.
        Time.RatePacer? pacer = _rateHz > 0 ? new Time.RatePacer(_rateHz) : null;
        long durationTicks = _settings.Duration is { } d ? (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        int ndims = _frame.Dims.Length;
        while (!stop.IsSet && (_settings.Frames is not { } limit || published < limit))
        {
            long now = Stopwatch.GetTimestamp();
            if (now - started >= durationTicks)
            {
                break;
            }
            if (pacer is not null && !pacer.WaitForNext(MaxPaceWait))
            {
                continue; // woke to check the stop conditions and reports
            }
            if (producer.TryClaim(_frame.Bytes, out FrameClaim claim))
            {
                claim.SetTensor(_frame.Dtype, _frame.Dims.AsSpan(0, ndims));
                if (_control.ProgressRows > 0)
                {
                    WriteInRowBlocks(producer, ref claim);
                }
                else
                {
                    SyntheticPayload.Fill(claim.Payload, claim.Seq);
                }
                claim.TimestampNs = (ulong)Time.MonotonicClock.Instance.NanoTime(); // capture complete: latency runs from here
                if (producer.Tracing is { } tracing)
                {
                    claim.TraceId = tracing.Root(); // TraceLink §6.3: a camera frame is a root
                    _lastTraceId = claim.TraceId;
                    _firstTraceId = _firstTraceId == 0 ? claim.TraceId : _firstTraceId;
                }
                producer.Commit(ref claim);
                published++;
                pacer?.MarkDone();
            }
            if (producer.DriverLease is { } lease && lease.Losses != losses)
            {
                // Reported at once, and the run fails: frames are dropped until the driver grants the stream again (D171).
                losses = lease.Losses;
                _err.WriteLine($"tp produce: the lease on stream {_settings.StreamId} was lost ({losses} so far): the driver stopped " +
                    "announcing or revoked it; frames are dropped until it grants the stream again");
                _err.Flush();
            }
            if (now >= nextReport)
            {
                nextReport = now + (_settings.Report ? Stopwatch.Frequency / 2 : Stopwatch.Frequency);
                Report("progress", published, started, producer);
            }
        }
        Report("result", published, started, producer);
        if (losses > lossesBefore)
        {
            _err.WriteLine($"tp produce: failed: the lease was lost {losses - lossesBefore} time(s) during the run");
            return TpCommand.ExitFailure;
        }
        return TpCommand.ExitOk;
    }

    /// <summary>
    /// --progress-rows: the frame is composed aside, then copied into the slot in row blocks (as a camera or decoder
    /// delivers it), with ReportProgress after each block; the producer throttles what goes out (§10.2.2).
    /// </summary>
    private void WriteInRowBlocks(Producer producer, ref FrameClaim claim)
    {
        SyntheticPayload.Fill(_scratch, claim.Seq);
        int rows = _frame.Dims[0];
        int rowBytes = _frame.Bytes / rows;
        if (_frame.Dims.Length > 1)
        {
            claim.SetProgress(ProgressUnit.Rows, (uint)rowBytes); // §8.2: a prefix of whole rows is layout-safe
        }
        int rowsPerBlock = (rows + _control.ProgressRows - 1) / _control.ProgressRows;
        Span<byte> payload = claim.Payload;
        int written = 0;
        for (int row = 0; row < rows; row += rowsPerBlock)
        {
            int end = row + rowsPerBlock >= rows ? _frame.Bytes : (row + rowsPerBlock) * rowBytes;
            _scratch.AsSpan(written, end - written).CopyTo(payload[written..]);
            written = end;
            producer.ReportProgress(ref claim, written);
        }
    }

    /// <summary>
    /// Rates are measured: a progress line gives the rate since the previous line (0 when nothing went out), the result
    /// the rate over the whole run; "seconds" is the run's length so far (D171).
    /// </summary>
    private void Report(string kind, long published, long started, Producer producer)
    {
        long now = Stopwatch.GetTimestamp();
        double seconds = (double)(now - started) / Stopwatch.Frequency;
        double fps = kind == "result"
            ? JsonText.Rate(published, seconds)
            : JsonText.Rate(published - _windowPublished, (double)(now - _windowTicks) / Stopwatch.Frequency);
        _windowPublished = published;
        _windowTicks = now;
        string json = JsonText.Object(w =>
        {
            w.WriteNumber("published", published);
            w.WriteNumber("framesPerSecond", Math.Round(fps, 1));
            w.WriteNumber("bytesPerSecond", Math.Round(fps * _frame.Bytes));
            w.WriteNumber("frameBytes", _frame.Bytes);
            w.WriteNumber("dropsNoPool", producer.Counters.DropsNoPool);
            w.WriteNumber("descriptorOfferFailures", producer.Counters.DescriptorOfferFailures);
            w.WriteNumber("epoch", producer.Epoch);
            w.WriteNumber("metaVersion", producer.MetaVersion);
            w.WriteNumber("progressSent", producer.ControlCounters.ProgressSent);
            if (producer.DriverLease?.Grant is { } lease)
            {
                w.WriteNumber("leaseId", lease.LeaseId);
            }
            if (producer.Tracing is { } tracing)
            {
                w.WriteNumber("trace_node_id", tracing.Generator.NodeId);
                w.WriteNumber("first_trace_id", _firstTraceId);
                w.WriteNumber("last_trace_id", _lastTraceId);
            }
            w.WriteNumber("seconds", Math.Round(seconds, 3));
        }, indented: false);
        if (_settings.Report)
        {
            _out.WriteLine(kind + " " + json);
        }
        else if (kind == "result" && _settings.Json)
        {
            _out.WriteLine(json);
        }
        else
        {
            Log(string.Create(CultureInfo.InvariantCulture, $"{(kind == "result" ? "done: " : "")}published {published} frames, {fps:F0} frames/s, {fps * _frame.Bytes / 1e6:F1} MB/s"));
        }
        _out.Flush();
    }

    /// <summary>Human lines go to standard error whatever the mode: standard output carries only results (D212).</summary>
    private void Log(string line)
    {
        _err.WriteLine("tp produce: " + line);
        _err.Flush();
    }
}
