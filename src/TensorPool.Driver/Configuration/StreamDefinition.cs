namespace TensorPool.Driver.Configuration;

/// <summary>
/// A statically provisioned stream (<c>[streams.&lt;name&gt;]</c>, §17): its id and profile. A null profile means
/// <c>policies.default_profile</c>.
/// </summary>
public sealed record StreamDefinition(string Name, uint StreamId, string? Profile = null);
