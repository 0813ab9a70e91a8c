using System.Globalization;
using TensorPool.Discovery.Configuration;
using TensorPool.Sbe.Discovery;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// The filters of one DiscoveryRequest (§5.1), copied out of the message into buffers reused from request to request:
/// every filter present must match (AND); tags are matched case-sensitively, byte for byte, a duplicate counting once;
/// data_source_name byte for byte. Duty-cycle thread only.
/// </summary>
internal sealed class DiscoveryFilter
{
    private readonly byte[] _name = new byte[DiscoveryProviderOptions.MaxNameBytes];
    private readonly byte[] _tagBytes = new byte[DiscoveryProviderOptions.MaxTags * DiscoveryProviderOptions.MaxTagBytes];
    private readonly (int Offset, int Length)[] _tags = new (int, int)[DiscoveryProviderOptions.MaxTags];
    private int _nameLength;
    private int _tagCount;

    public ulong RequestId { get; private set; }

    public uint ClientId { get; private set; }

    public uint? StreamId { get; private set; }

    public uint? ProducerId { get; private set; }

    public ulong? DataSourceId { get; private set; }

    public int NameLength => _nameLength;

    /// <summary>Distinct non-empty tags requested.</summary>
    public int TagCount => _tagCount;

    /// <summary>§5.2: a request with no filter lists the inventory (OK, even empty); with one, nothing visible is NOT_FOUND.</summary>
    public bool HasAnyFilter => StreamId is not null || ProducerId is not null || DataSourceId is not null || _nameLength > 0 || _tagCount > 0;

    /// <summary>Copy the request's filters; false with the reason when one breaks a bound (answered with ERROR).</summary>
    public bool TryRead(in DiscoveryRequestDecoder request, out string? error)
    {
        error = null;
        RequestId = request.RequestId;
        ClientId = request.ClientId;
        StreamId = request.StreamId;
        ProducerId = request.ProducerId;
        DataSourceId = request.DataSourceId;
        _nameLength = 0;
        _tagCount = 0;
        ReadOnlySpan<byte> name = request.DataSourceName;
        if (name.Length > _name.Length)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"data_source_name of {name.Length} bytes is longer than {_name.Length} (§5.1: SHOULD be at most 256)");
            return false;
        }
        name.CopyTo(_name);
        _nameLength = name.Length; // §5.0: length 0 is "not provided"
        int used = 0;
        foreach (DiscoveryRequestDecoder.TagsDecoder entry in request.Tags)
        {
            ReadOnlySpan<byte> tag = entry.Tag;
            if (tag.Length == 0)
            {
                continue; // an empty tag is an absent one (§5.0)
            }
            if (tag.Length > DiscoveryProviderOptions.MaxTagBytes)
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"a tag of {tag.Length} bytes is longer than {DiscoveryProviderOptions.MaxTagBytes}");
                return false;
            }
            if (HasTag(tag))
            {
                continue; // §5.1: duplicate tags are treated as one
            }
            if (_tagCount == DiscoveryProviderOptions.MaxTags)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"more than {DiscoveryProviderOptions.MaxTags} distinct tags");
                return false;
            }
            tag.CopyTo(_tagBytes.AsSpan(used));
            _tags[_tagCount++] = (used, tag.Length);
            used += tag.Length;
        }
        return true;
    }

    /// <summary>§5.1: every filter present matches (AND).</summary>
    public bool Matches(IndexEntry entry)
    {
        if (StreamId is { } s && s != entry.StreamId)
        {
            return false;
        }
        if (ProducerId is { } p && p != entry.ProducerId)
        {
            return false;
        }
        if (DataSourceId is { } id && id != entry.DataSourceId)
        {
            return false;
        }
        if (_nameLength > 0 && (!entry.NameIsCurrent || !_name.AsSpan(0, _nameLength).SequenceEqual(entry.Name)))
        {
            return false;
        }
        for (int i = 0; i < _tagCount; i++)
        {
            (int offset, int length) = _tags[i];
            if (!entry.HasTag(_tagBytes.AsSpan(offset, length)))
            {
                return false;
            }
        }
        return true;
    }

    private bool HasTag(ReadOnlySpan<byte> tag)
    {
        for (int i = 0; i < _tagCount; i++)
        {
            (int offset, int length) = _tags[i];
            if (tag.SequenceEqual(_tagBytes.AsSpan(offset, length)))
            {
                return true;
            }
        }
        return false;
    }
}
