using System.Diagnostics;
using System.Globalization;
using TensorPool.Agents;
using TensorPool.Cli.DataPath;
using TensorPool.Transport;

namespace TensorPool.Cli.Listen;

/// <summary>
/// The loop of <c>tp listen</c>: subscribes to one (channel, stream id) at its live tail and prints every message as it
/// arrives until <c>--count</c> messages, <c>--timeout</c>, Ctrl-C/SIGTERM, or the end of a piped standard input.
/// Messages the subscription proves lost (a lapped listener) are reported on standard error, never hidden.
/// </summary>
internal sealed class ListenRun(ListenSettings settings, TextWriter output, TextWriter error)
{
    public const int DefaultHexLimit = 4096;

    private readonly IMessageWriter _writer = settings.Json
        ? new JsonLineWriter(output, settings.HexLimit)
        : new TextMessageWriter(output, settings.HexLimit);

    private long _received;
    private long _decoded;
    private long _unknown;
    private long _invalid;

    public int Run()
    {
        using var stop = new StopSignal(StopSignal.StandardInputIsPipe());
        using ITransport transport = TransportProviders.Create(settings.Channel, new TransportSettings
        {
            BaseDir = settings.ShmDir,
            Namespace = settings.Namespace,
            AeronDir = settings.AeronDir,
            ErrorHandler = e => error.WriteLine("tp listen: " + e.Message),
        });
        int streamId = unchecked((int)settings.StreamId); // the transport keys logs by the unsigned value
        using ISubscription subscription = transport.AddSubscription(settings.Channel, streamId);
        string where = transport is TpIpcTransport ipc ? ipc.GetLogPath(settings.Channel, streamId) : transport.ToString() ?? string.Empty;
        error.WriteLine($"tp listen: listening on {settings.Channel} stream {settings.StreamId} ({where})");
        error.Flush();

        MessageHandler handler = OnMessage;
        var idle = new BackoffIdleStrategy();
        long deadline = settings.Timeout is { } t ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long lost = 0;
        bool timedOut = false;
        while (!stop.IsSet && !(settings.Count is { } limit && _received >= limit))
        {
            // One message at a time when counting, so the count is exact; otherwise in batches.
            int limitNow = settings.Count is { } c ? (int)Math.Min(64, c - _received) : 64;
            int work = subscription.Poll(handler, limitNow);
            if (work > 0)
            {
                output.Flush();
            }
            long nowLost = subscription.Counters.LostMessages;
            if (nowLost != lost)
            {
                SubscriptionCounters counters = subscription.Counters;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"tp listen: {nowLost - lost} messages lost (in all: {nowLost}; lapped {counters.Lapped}, stalled {counters.StalledSkips}, invalid records {counters.InvalidRecords})"));
                lost = nowLost;
            }
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                timedOut = true;
                break;
            }
            idle.Idle(work);
        }
        output.Flush();
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tp listen: {_received} messages ({_decoded} decoded, {_unknown} unknown, {_invalid} invalid), {lost} lost"));
        if (timedOut && settings.Count is { } wanted && _received < wanted)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tp listen: timed out after {settings.Timeout!.Value.TotalSeconds} s with {_received} of {wanted} messages"));
            return TpCommand.ExitFailure;
        }
        return TpCommand.ExitOk;
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        ClassifiedMessage m = ClassifiedMessage.Classify(message);
        _received++;
        switch (m.Kind)
        {
            case MessageKind.Decoded:
                _decoded++;
                break;
            case MessageKind.Unknown:
                _unknown++;
                break;
            default:
                _invalid++;
                break;
        }
        _writer.Write(_received, m);
    }
}
