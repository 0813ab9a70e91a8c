using System.Globalization;
using Tomlyn;
using Tomlyn.Model;

namespace TensorPool.Configuration;

/// <summary>
/// Typed, strict reads of one TOML table (<c>[discovery]</c>, <c>[supervisor]</c>, an entry of an array of tables): a
/// value of the wrong type or out of range, and any key no read asked for (<see cref="RejectUnknownKeys"/>, usually a
/// typo), fail through <see cref="Fail"/> with the key as written in TOML, the value and the rule. Shared source: the
/// discovery and supervisor libraries each compile it, each with its own exception type.
/// </summary>
internal sealed class TomlTableReader
{
    private readonly TomlTable? _table;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <param name="table">The table (null: an absent section, every read gets its fallback).</param>
    /// <param name="prefix">The table's dotted name for messages (<c>discovery</c>, <c>supervisor.policies</c>).</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="fail">Builds the exception of a broken rule: key, value (null when missing), rule, source.</param>
    public TomlTableReader(TomlTable? table, string prefix, string source, Func<string, string?, string, string, Exception> fail)
    {
        _table = table;
        Prefix = prefix;
        Source = source;
        Fail = fail;
    }

    public string Prefix { get; }

    public string Source { get; }

    public Func<string, string?, string, string, Exception> Fail { get; }

    /// <summary>Parse a whole document; a syntax error fails with the parser's line and column.</summary>
    public static TomlTable Parse(string toml, string source, Func<string, string?, string, string, Exception> fail)
    {
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(toml) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw fail("(toml)", null, "not valid TOML: " + e.Message.ReplaceLineEndings(" ").Trim(), source);
        }
    }

    public bool Has(string name)
    {
        _read.Add(name);
        return _table?.ContainsKey(name) == true;
    }

    public string Key(string name) => Prefix.Length == 0 ? name : Prefix + "." + name;

    public string? String(string name, string? fallback) => Raw(name) switch
    {
        null => fallback,
        string s => s,
        object other => throw WrongType(name, other, "a string"),
    };

    /// <summary>A string that must be present and non-empty.</summary>
    public string RequiredString(string name)
    {
        string? s = String(name, null);
        return string.IsNullOrEmpty(s) ? throw Fail(Key(name), s, "is required and must not be empty", Source) : s;
    }

    public bool Bool(string name, bool fallback) => Raw(name) switch
    {
        null => fallback,
        bool b => b,
        object other => throw WrongType(name, other, "true or false"),
    };

    public uint UInt32(string name, uint fallback) => (uint)Integer(name, fallback, 0, uint.MaxValue);

    public uint? UInt32OrNull(string name) => Has(name) ? UInt32(name, 0) : null;

    public int Int32(string name, int fallback) => (int)Integer(name, fallback, int.MinValue, int.MaxValue);

    public long Integer(string name, long fallback, long min, long max) => Raw(name) switch
    {
        null => fallback,
        long l when l >= min && l <= max => l,
        long l => throw Fail(Key(name), l.ToString(CultureInfo.InvariantCulture),
            $"must be an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}", Source),
        object other => throw WrongType(name, other, "an integer"),
    };

    public double Double(string name, double fallback) => Raw(name) switch
    {
        null => fallback,
        double d => d,
        long l => l,
        object other => throw WrongType(name, other, "a number"),
    };

    public List<string> StringList(string name) => Raw(name) switch
    {
        null => [],
        TomlArray a => [.. a.Select(item => item as string ?? throw WrongType(name, item!, "an array of strings"))],
        object other => throw WrongType(name, other, "an array of strings"),
    };

    /// <summary>Inclusive id ranges: <c>"100-199"</c>, <c>"7"</c>, an integer, or an array of those.</summary>
    public List<(uint Start, uint End)> Ranges(string name)
    {
        object? raw = Raw(name);
        IEnumerable<object?> items = raw switch
        {
            null => [],
            TomlArray a => a,
            object single => [single],
        };
        var result = new List<(uint, uint)>();
        foreach (object? item in items)
        {
            result.Add(item switch
            {
                long l when l is >= 0 and <= uint.MaxValue => ((uint)l, (uint)l),
                string s when TryParseRange(s, out (uint, uint) r) => r,
                _ => throw Fail(Key(name), Describe(item), "must be ids or \"start-end\" ranges of ids from 0 to 4294967295 (start <= end)", Source),
            });
        }
        return result;
    }

    public TomlTable? Table(string name) => Raw(name) switch
    {
        null => null,
        TomlTable t => t,
        object other => throw WrongType(name, other, "a table"),
    };

    /// <summary>An array of tables, written <c>[[name]]</c> or inline.</summary>
    public List<TomlTable> Tables(string name) => Raw(name) switch
    {
        null => [],
        TomlTableArray ta => [.. ta],
        TomlArray a => [.. a.Select(item => item as TomlTable ?? throw WrongType(name, item!, "an array of tables"))],
        object other => throw WrongType(name, other, "an array of tables"),
    };

    /// <summary>Fail on the first key of the table that no read asked for.</summary>
    public void RejectUnknownKeys()
    {
        if (_table is null)
        {
            return;
        }
        foreach (string key in _table.Keys)
        {
            if (!_read.Contains(key))
            {
                string known = string.Join(", ", _read.Order(StringComparer.Ordinal));
                throw Fail(Key(key), Describe(_table[key]), $"is not a known key here (known: {known})", Source);
            }
        }
    }

    public static string Describe(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        TomlTable => "{...}",
        TomlArray or TomlTableArray => "[...]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private object? Raw(string name)
    {
        _read.Add(name);
        return _table is not null && _table.TryGetValue(name, out object? value) ? value : null;
    }

    private Exception WrongType(string name, object value, string expected) =>
        Fail(Key(name), Describe(value), $"must be {expected}, not {TypeName(value)}", Source);

    private static string TypeName(object value) => value switch
    {
        string => "a string",
        bool => "a boolean",
        long => "an integer",
        double => "a float",
        TomlTable => "a table",
        TomlArray or TomlTableArray => "an array",
        _ => "a date-time",
    };

    private static bool TryParseRange(string text, out (uint Start, uint End) range)
    {
        range = default;
        string[] parts = text.Split('-');
        if (parts.Length is < 1 or > 2 || !TryId(parts[0], out uint start))
        {
            return false;
        }
        uint end = start;
        if (parts.Length == 2 && !TryId(parts[1], out end))
        {
            return false;
        }
        range = (start, end);
        return start <= end;
    }

    private static bool TryId(string s, out uint id)
    {
        s = s.Trim();
        id = 0;
        return s.Length is > 0 and <= 10 && s.All(char.IsAsciiDigit) &&
            uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
