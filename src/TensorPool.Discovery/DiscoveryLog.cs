using Microsoft.Extensions.Logging;

namespace TensorPool.Discovery;

/// <summary>The discovery provider's and registry's log events (source-generated: nothing is formatted when the level is off).</summary>
internal static partial class DiscoveryLog
{
    [LoggerMessage(1, LogLevel.Information, "discovery query (1 in {Every}) from client {ClientId}: stream {StreamId}, producer {ProducerId}, data source {DataSourceId}, name of {NameBytes} bytes, {Tags} tag(s) -> {Status} with {Results} result(s)")]
    public static partial void Query(ILogger log, uint every, uint clientId, string streamId, string producerId, string dataSourceId, int nameBytes, int tags, string status, int results);

    [LoggerMessage(2, LogLevel.Information, "discovery registry started: requests on {Channel}:{StreamId}, {Drivers} driver(s): {DriverList}")]
    public static partial void RegistryStarted(ILogger log, string channel, uint streamId, int drivers, string driverList);

    [LoggerMessage(3, LogLevel.Information, "discovery registry stopped")]
    public static partial void RegistryStopped(ILogger log);

    [LoggerMessage(4, LogLevel.Information, "driver {InstanceId} shut down: its {Entries} stream(s) left the index")]
    public static partial void DriverShutdown(ILogger log, string instanceId, int entries);

    [LoggerMessage(5, LogLevel.Error, "discovery duty cycle failed")]
    public static partial void DutyCycleFailed(ILogger log, Exception error);
}
