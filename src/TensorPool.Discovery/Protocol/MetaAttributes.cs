using TensorPool.Discovery.Configuration;
using TensorPool.Sbe.Wire;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// The DataSourceMeta attributes discovery reads (docs/DECISIONS.md D142): <c>tags</c>, a comma-separated list of
/// tags (each trimmed of spaces, empty items skipped, at most <see cref="DiscoveryProviderOptions.MaxTags"/> of
/// printable ASCII up to <see cref="DiscoveryProviderOptions.MaxTagBytes"/> bytes), and <c>data_source_id</c>, a
/// decimal u64 (not the null value). Both as text (format <c>text/plain</c> or none). Other attributes are ignored.
/// </summary>
internal static class MetaAttributes
{
    public const string TagsKey = "tags";
    public const string DataSourceIdKey = "data_source_id";

    private static ReadOnlySpan<byte> TagsKeyBytes => "tags"u8;

    private static ReadOnlySpan<byte> DataSourceIdKeyBytes => "data_source_id"u8;

    private static ReadOnlySpan<byte> TextFormat => "text/plain"u8;

    /// <summary>False when an attribute discovery reads breaks its rule (the whole message is then ignored).</summary>
    public static bool TryRead(in DataSourceMetaDecoder meta, out byte[][] tags, out ulong? dataSourceId)
    {
        tags = [];
        dataSourceId = null;
        foreach (DataSourceMetaDecoder.AttributesDecoder attribute in meta.Attributes)
        {
            bool isTags = attribute.Key.SequenceEqual(TagsKeyBytes);
            bool isId = attribute.Key.SequenceEqual(DataSourceIdKeyBytes);
            if (!isTags && !isId)
            {
                continue;
            }
            if (attribute.Format.Length != 0 && !attribute.Format.SequenceEqual(TextFormat))
            {
                return false;
            }
            if (isTags && !TryParseTags(attribute.Value, out tags))
            {
                return false;
            }
            if (isId)
            {
                if (!TryParseId(attribute.Value, out ulong id))
                {
                    return false;
                }
                dataSourceId = id;
            }
        }
        return true;
    }

    /// <summary>A comma-separated tag list, each tag once.</summary>
    public static bool TryParseTags(ReadOnlySpan<byte> text, out byte[][] tags)
    {
        var list = new List<byte[]>();
        while (true)
        {
            int comma = text.IndexOf((byte)',');
            ReadOnlySpan<byte> item = Trim(comma < 0 ? text : text[..comma]);
            if (item.Length > 0)
            {
                if (item.Length > DiscoveryProviderOptions.MaxTagBytes || !IsPrintable(item))
                {
                    tags = [];
                    return false;
                }
                if (!Contains(list, item))
                {
                    if (list.Count == DiscoveryProviderOptions.MaxTags)
                    {
                        tags = [];
                        return false;
                    }
                    list.Add(item.ToArray());
                }
            }
            if (comma < 0)
            {
                break;
            }
            text = text[(comma + 1)..];
        }
        tags = [.. list];
        return true;
    }

    private static bool Contains(List<byte[]> list, ReadOnlySpan<byte> item)
    {
        foreach (byte[] t in list)
        {
            if (item.SequenceEqual(t))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryParseId(ReadOnlySpan<byte> text, out ulong id)
    {
        id = 0;
        text = Trim(text);
        if (text.Length is 0 or > 20)
        {
            return false;
        }
        foreach (byte b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            ulong next = id * 10 + (ulong)(b - '0');
            if (id > ulong.MaxValue / 10 || next < id * 10)
            {
                return false;
            }
            id = next;
        }
        return id != ulong.MaxValue; // the SBE null value means "absent" (§5.0)
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0 && s[0] == (byte)' ')
        {
            s = s[1..];
        }
        while (s.Length > 0 && s[^1] == (byte)' ')
        {
            s = s[..^1];
        }
        return s;
    }

    private static bool IsPrintable(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return false;
            }
        }
        return true;
    }
}
