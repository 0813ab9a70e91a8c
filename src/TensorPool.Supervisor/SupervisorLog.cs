using Microsoft.Extensions.Logging;

namespace TensorPool.Supervisor;

/// <summary>The supervisor's log events (source-generated).</summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(1, LogLevel.Information, "supervisor started: control {Channel}:{StreamId}, announces {AnnounceChannel}:{AnnounceStreamId}, {Policies} polic(ies)")]
    public static partial void Started(ILogger log, string channel, uint streamId, string announceChannel, uint announceStreamId, int policies);

    [LoggerMessage(2, LogLevel.Information, "supervisor stopped")]
    public static partial void Stopped(ILogger log);

    [LoggerMessage(3, LogLevel.Warning, "per-consumer stream {Channel}:{StreamId} cannot be served, declined: {Why}")]
    public static partial void RelayRefused(ILogger log, string channel, uint streamId, string why);

    [LoggerMessage(4, LogLevel.Warning, "status file {Path} not written: {Why}")]
    public static partial void StatusFileFailed(ILogger log, string path, string why);

    [LoggerMessage(5, LogLevel.Error, "supervisor duty cycle failed")]
    public static partial void DutyCycleFailed(ILogger log, Exception error);
}
