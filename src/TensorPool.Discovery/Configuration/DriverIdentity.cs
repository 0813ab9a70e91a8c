namespace TensorPool.Discovery.Configuration;

/// <summary>
/// The authority of a driver's streams as discovery results name it (discovery spec §5.2 "Authority Identification",
/// §6.4): its instance id and the control endpoint clients attach through. Never empty, never stream id 0.
/// </summary>
public sealed record DriverIdentity(string InstanceId, string ControlChannel, uint ControlStreamId)
{
    /// <summary>Null when the identity can be put in a result, else the rule it breaks (§5.2: non-empty, non-zero).</summary>
    public string? Problem()
    {
        if (string.IsNullOrEmpty(InstanceId))
        {
            return "driver_instance_id must not be empty (§5.2: the authority fields identify the driver)";
        }
        if (string.IsNullOrEmpty(ControlChannel))
        {
            return "driver_control_channel must not be empty (§5.2)";
        }
        if (ControlStreamId == 0)
        {
            return "driver_control_stream_id must not be 0 (§5.2)";
        }
        if (!IsAscii(InstanceId) || !IsAscii(ControlChannel))
        {
            return "the instance id and control channel must be printable ASCII (varAscii on the wire)";
        }
        return null;
    }

    private static bool IsAscii(string s) => s.All(c => c is >= ' ' and <= '~');
}
