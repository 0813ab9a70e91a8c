namespace TensorPool.Control;

/// <summary>One DataSourceMeta attribute (wire spec §10.3.2): a key, the format of its value, and the value bytes.</summary>
/// <param name="Key">ASCII, e.g. "camera_serial".</param>
/// <param name="Format">ASCII, e.g. "text/plain", "application/json", "sbe:&lt;schemaId&gt;.&lt;templateId&gt;".</param>
/// <param name="Value">The bytes, as <paramref name="Format"/> says.</param>
public sealed record MetaAttribute(string Key, string Format, byte[] Value)
{
    /// <summary>A text/plain attribute.</summary>
    public static MetaAttribute Text(string key, string value) => new(key, "text/plain", System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>The value as UTF-8 text.</summary>
    public string ValueText => System.Text.Encoding.UTF8.GetString(Value);
}
