namespace TensorPool.Discovery.Configuration;

/// <summary>
/// Which clients may see which streams (discovery spec §12): the first rule that matches a (client id, stream id)
/// pair decides, <see cref="DefaultVisible"/> otherwise. Hidden streams are never returned; a request that matched
/// only hidden streams is answered exactly as one that matched nothing (NOT_FOUND, no oracle), unless
/// <see cref="DenyWithError"/> asks for an explicit ERROR.
/// </summary>
public sealed record AccessPolicy
{
    /// <summary>Everything visible to everyone (the default).</summary>
    public static AccessPolicy Open { get; } = new();

    public IReadOnlyList<AccessRule> Rules { get; init; } = [];

    /// <summary>Visibility of a pair no rule matches.</summary>
    public bool DefaultVisible { get; init; } = true;

    /// <summary>§12: answer status=ERROR ("access denied") when hidden streams matched and no visible one did.</summary>
    public bool DenyWithError { get; init; }

    public bool IsVisible(uint clientId, uint streamId)
    {
        foreach (AccessRule rule in Rules)
        {
            if (rule.Matches(clientId, streamId))
            {
                return rule.Visible;
            }
        }
        return DefaultVisible;
    }
}
