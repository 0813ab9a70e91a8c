using System.Globalization;
using System.Text.Json;
using TensorPool.Control;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// What <c>tp consume --progress</c> saw of FrameProgress (§10.2.2): messages by state, and whether the fill of each frame
/// only grew (<see cref="Regressions"/> counts any that went backwards after the client's checks: must stay 0).
/// Prints each message when <c>print</c> is given (human mode).
/// </summary>
internal sealed class ProgressTally(TextWriter? print)
{
    private ulong _seq = ulong.MaxValue;
    private ulong _filled;

    public long Started { get; private set; }

    public long InProgress { get; private set; }

    public long Complete { get; private set; }

    public long Regressions { get; private set; }

    public long Frames { get; private set; }

    public void OnProgress(in FrameProgress p)
    {
        if (p.Seq != _seq)
        {
            _seq = p.Seq;
            _filled = 0;
            Frames++;
        }
        if (p.PayloadBytesFilled < _filled)
        {
            Regressions++;
        }
        _filled = p.PayloadBytesFilled;
        switch (p.State)
        {
            case FrameProgressState.Started:
                Started++;
                break;
            case FrameProgressState.Progress:
                InProgress++;
                break;
            default:
                Complete++;
                break;
        }
        print?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tp consume: frame {p.Seq} {p.State.ToString().ToUpperInvariant()} {p.PayloadBytesFilled}/{p.ValuesLenBytes} bytes"));
    }

    public void Write(Utf8JsonWriter w, ConsumerControlCounters c)
    {
        w.WriteStartObject("progress");
        w.WriteNumber("frames", Frames);
        w.WriteNumber("started", Started);
        w.WriteNumber("progress", InProgress);
        w.WriteNumber("complete", Complete);
        w.WriteNumber("regressionsSeen", Regressions);
        w.WriteNumber("droppedRegressed", c.ProgressRegressed);
        w.WriteNumber("droppedOverLength", c.ProgressOverLength);
        w.WriteNumber("droppedLayout", c.ProgressLayout);
        w.WriteNumber("droppedStale", c.ProgressStale);
        w.WriteNumber("droppedMalformed", c.ProgressMalformed);
        w.WriteEndObject();
    }
}
