using System.ComponentModel;
using System.Globalization;
using System.Text.Json;

namespace TensorPool.Sbe;

/// <summary>
/// JSON reads and writes the generated codecs use for the CLI's message form (docs/codecs.md):
/// integers as numbers, enums by schema name (unknown raw values as numbers), absent optionals as
/// null, text var data as text (one char per byte, so any byte survives), other bytes as lowercase hex,
/// groups as arrays of objects. Used by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SbeJson
{
    /// <summary>Writes text var data as a JSON string, one char per byte.</summary>
    public static void WriteText(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes) =>
        writer.WriteString(name, SbeCodec.GetString(bytes));

    /// <summary>Writes bytes as a lowercase hex string.</summary>
    public static void WriteHex(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes) =>
        writer.WriteString(name, Convert.ToHexStringLower(bytes));

    /// <summary>A finite number as a number; NaN and infinities as the strings .NET parses back.</summary>
    public static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A finite float as a number; NaN and infinities as strings.</summary>
    public static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>An enum by its schema name, or its raw number when the schema does not know it.</summary>
    public static void WriteEnum(Utf8JsonWriter writer, string? knownName, long raw)
    {
        if (knownName is null)
        {
            writer.WriteNumberValue(raw);
        }
        else
        {
            writer.WriteStringValue(knownName);
        }
    }

    /// <summary>Throws unless <paramref name="element"/> is an object whose keys are all in <paramref name="known"/>.</summary>
    public static void CheckObject(JsonElement element, string path, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SbeJsonException($"{path}: expected an object, found {element.ValueKind}");
        }
        foreach (JsonProperty p in element.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) < 0)
            {
                throw new SbeJsonException($"{Join(path, p.Name)}: unknown field (expected one of {string.Join(", ", known)})");
            }
        }
    }

    /// <summary>The value of a key, or false when it is missing or null.</summary>
    public static bool TryGet(JsonElement obj, string key, out JsonElement value) =>
        obj.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The error for a required field that is missing or null.</summary>
    public static SbeJsonException Missing(string path, string key) => new($"{Join(path, key)}: required field is missing or null");

    /// <summary>path.key, for error messages.</summary>
    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>path.key[index], for error messages.</summary>
    public static string Index(string path, string key, int index) =>
        Join(path, key) + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>An unsigned integer in 0..max.</summary>
    public static ulong ToUnsigned(JsonElement v, string path, ulong max)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong u) && u <= max)
        {
            return u;
        }
        throw new SbeJsonException($"{path}: expected an integer in 0..{max}, found {Describe(v)}");
    }

    /// <summary>A signed integer in min..max.</summary>
    public static long ToSigned(JsonElement v, string path, long min, long max)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long s) && s >= min && s <= max)
        {
            return s;
        }
        throw new SbeJsonException($"{path}: expected an integer in {min}..{max}, found {Describe(v)}");
    }

    /// <summary>A number, or the strings NaN, Infinity, -Infinity.</summary>
    public static double ToDouble(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d))
        {
            return d;
        }
        if (v.ValueKind == JsonValueKind.String
            && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && !double.IsFinite(d))
        {
            return d;
        }
        throw new SbeJsonException($"{path}: expected a number, found {Describe(v)}");
    }

    /// <summary>An enum value: its schema name (returned in <paramref name="name"/>) or a raw number in range.</summary>
    public static long ToEnum(JsonElement v, string path, long min, long max, out string? name)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            name = v.GetString();
            return 0;
        }
        name = null;
        return ToSigned(v, path, min, max);
    }

    /// <summary>The error for an enum name the schema does not define.</summary>
    public static SbeJsonException UnknownName(string path, string name, params string[] known) =>
        new($"{path}: '{name}' is not one of {string.Join(", ", known)}");

    /// <summary>Text var data: each char must be U+0000..U+00FF and becomes one byte.</summary>
    public static byte[] ToText(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            throw new SbeJsonException($"{path}: expected a string, found {Describe(v)}");
        }
        string s = v.GetString()!;
        var bytes = new byte[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 0xFF)
            {
                throw new SbeJsonException($"{path}: character U+{(int)s[i]:X4} at index {i} does not fit in a byte");
            }
            bytes[i] = (byte)s[i];
        }
        return bytes;
    }

    /// <summary>Bytes written as hex (two digits a byte, either case).</summary>
    public static byte[] ToHex(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            throw new SbeJsonException($"{path}: expected a hex string, found {Describe(v)}");
        }
        try
        {
            return Convert.FromHexString(v.GetString()!);
        }
        catch (FormatException)
        {
            throw new SbeJsonException($"{path}: '{Shorten(v.GetString()!)}' is not hex (two digits a byte)");
        }
    }

    /// <summary>A JSON array of exactly <paramref name="length"/> elements (or any length when negative).</summary>
    public static JsonElement[] ToArray(JsonElement v, string path, int length)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new SbeJsonException($"{path}: expected an array, found {Describe(v)}");
        }
        JsonElement[] items = [.. v.EnumerateArray()];
        if (length >= 0 && items.Length != length)
        {
            throw new SbeJsonException($"{path}: expected {length} elements, found {items.Length}");
        }
        return items;
    }

    /// <summary>A group: an array of at most 65534 entries (missing or null means empty).</summary>
    public static JsonElement[] ToGroup(JsonElement obj, string key, string path)
    {
        if (!TryGet(obj, key, out JsonElement v))
        {
            return [];
        }
        JsonElement[] items = ToArray(v, Join(path, key), -1);
        if (items.Length > SbeCodec.MaxGroupCount)
        {
            throw new SbeJsonException($"{Join(path, key)}: {items.Length} entries; a group holds at most {SbeCodec.MaxGroupCount}");
        }
        return items;
    }

    /// <summary>Throws unless a constant field is absent or holds the schema's constant.</summary>
    public static void CheckConstant(JsonElement obj, string key, string path, string literal)
    {
        if (TryGet(obj, key, out JsonElement v) && (v.ValueKind != JsonValueKind.Number
                || !decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d)
                || d != decimal.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture)))
        {
            throw new SbeJsonException($"{Join(path, key)}: a constant of the schema; it can only be {literal}");
        }
    }

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => v.GetRawText(),
        JsonValueKind.String => "\"" + Shorten(v.GetString()!) + "\"",
        _ => v.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
