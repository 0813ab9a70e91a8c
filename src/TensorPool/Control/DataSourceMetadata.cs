namespace TensorPool.Control;

/// <summary>One DataSourceMeta (wire spec §10.3.2): the attributes of a stream at one meta_version.</summary>
public sealed record DataSourceMetadata(uint StreamId, uint MetaVersion, ulong TimestampNs, IReadOnlyList<MetaAttribute> Attributes)
{
    /// <summary>The attribute with <paramref name="key"/>, or null (consumers may ignore unknown keys).</summary>
    public MetaAttribute? Find(string key) => Attributes.FirstOrDefault(a => a.Key == key);
}
