using Microsoft.Extensions.Logging;

namespace TensorPool.Driver;

/// <summary>The driver's log events (source-generated: nothing is formatted or boxed when the level is off).</summary>
internal static partial class DriverLog
{
    [LoggerMessage(1, LogLevel.Information, "driver {InstanceId} started: control {Channel}:{StreamId}, announces {AnnounceChannel}:{AnnounceStreamId}, shm {BaseDir} namespace {Namespace}")]
    public static partial void Started(ILogger log, string instanceId, string channel, uint streamId, string announceChannel, uint announceStreamId, string baseDir, string @namespace);

    [LoggerMessage(2, LogLevel.Information, "driver {InstanceId} stopped")]
    public static partial void Stopped(ILogger log, string instanceId);

    [LoggerMessage(3, LogLevel.Information, "stream {StreamId}: epoch {Epoch} created in {Dir}")]
    public static partial void EpochCreated(ILogger log, uint streamId, ulong epoch, string dir);

    [LoggerMessage(4, LogLevel.Information, "stream {StreamId}: created on demand with profile {Profile}")]
    public static partial void DynamicStream(ILogger log, uint streamId, string profile);

    [LoggerMessage(5, LogLevel.Information, "lease {LeaseId}: {Role} client {ClientId} attached to stream {StreamId} epoch {Epoch}")]
    public static partial void Attached(ILogger log, ulong leaseId, string role, uint clientId, uint streamId, ulong epoch);

    [LoggerMessage(6, LogLevel.Information, "attach {CorrelationId} refused ({Code}): {Message}")]
    public static partial void AttachRefused(ILogger log, long correlationId, string code, string message);

    [LoggerMessage(7, LogLevel.Information, "lease {LeaseId} ({Role} client {ClientId}, stream {StreamId}) {Reason}: {Message}")]
    public static partial void LeaseEnded(ILogger log, ulong leaseId, string role, uint clientId, uint streamId, string reason, string message);

    [LoggerMessage(8, LogLevel.Error, "stream {StreamId}: no new epoch after the producer left: {Error}")]
    public static partial void NoNewEpoch(ILogger log, uint streamId, string error);

    [LoggerMessage(9, LogLevel.Information, "epoch directory {Dir} removed")]
    public static partial void EpochRemoved(ILogger log, string dir);

    [LoggerMessage(10, LogLevel.Warning, "epoch directory {Dir} left in place: {Error}")]
    public static partial void EpochKept(ILogger log, string dir, string? error);

    [LoggerMessage(11, LogLevel.Warning, "shutdown requested ({Reason}): draining for {TimeoutMs} ms")]
    public static partial void Draining(ILogger log, string reason, uint timeoutMs);

    [LoggerMessage(12, LogLevel.Warning, "ShmDriverShutdown sent ({Reason}): {Message}")]
    public static partial void ShutdownSent(ILogger log, string reason, string message);

    [LoggerMessage(13, LogLevel.Warning, "shutdown request {CorrelationId} ignored: {Why}")]
    public static partial void ShutdownIgnored(ILogger log, long correlationId, string why);

    [LoggerMessage(14, LogLevel.Error, "driver duty cycle failed")]
    public static partial void DutyCycleFailed(ILogger log, Exception error);

    [LoggerMessage(15, LogLevel.Warning, "the driver of pid {Pid} died holding this namespace: reclaiming the epoch directories it left")]
    public static partial void ReclaimingDeadDriverEpochs(ILogger log, int pid);
}
