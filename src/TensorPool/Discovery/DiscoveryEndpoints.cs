using TensorPool.Client;
using TensorPool.Transport;

namespace TensorPool.Discovery;

/// <summary>The request and response endpoints a client's discovery uses, resolved from its options (§4.2, §4.3).</summary>
public sealed record DiscoveryEndpoints(string RequestChannel, int RequestStreamId, string ResponseChannel, int ResponseStreamId)
{
    /// <summary>
    /// <see cref="DiscoveryOptions"/> over the client's: the driver's control endpoint by default (§4.2: embedded
    /// discovery answers there), else the client's control stream; responses on the client's channel, where a plain
    /// <c>tp:ipc</c> is sent as <c>tp:ipc?name=&lt;namespace&gt;</c> so a provider in another deployment answers into ours.
    /// </summary>
    public static DiscoveryEndpoints Resolve(ClientOptions client, DiscoveryOptions discovery)
    {
        string requestChannel = discovery.RequestChannel ?? client.Driver?.ControlChannel ?? client.Channel;
        int requestStream = discovery.RequestStreamId ?? client.Driver?.ControlStreamId ?? client.ControlStreamId;
        string responseChannel = discovery.ResponseChannel ?? Qualify(client.Channel, client.Namespace);
        return new DiscoveryEndpoints(requestChannel, requestStream, responseChannel, discovery.ResponseStreamId);
    }

    /// <summary><c>tp:ipc</c> with the namespace it means spelled out; any other channel as it is.</summary>
    public static string Qualify(string channel, string ns) =>
        channel == "tp:ipc" && TpIpcChannel.CheckName(ns) is null ? $"tp:ipc?name={ns}" : channel;

    /// <summary>
    /// Whether two channels are the same endpoint for a client of namespace <paramref name="ns"/>: <c>tp:ipc</c> and
    /// <c>tp:ipc?name=&lt;ns&gt;</c> are; otherwise the text must be equal.
    /// </summary>
    public static bool SameChannel(string a, string b, string ns) => string.Equals(Qualify(a, ns), Qualify(b, ns), StringComparison.Ordinal);
}
