using System.Globalization;
using Tomlyn.Model;

namespace TensorPool.Driver.Configuration;

/// <summary>
/// Typed reads of one TOML table (<c>[driver]</c>, <c>[profiles.camera]</c>, a pool entry) with the environment
/// override of each key (§17) and strict checks: a value of the wrong type or out of range, and any key nobody read
/// (<see cref="RejectUnknownKeys"/>), fail with the key, the value and the rule.
/// </summary>
internal sealed class TomlSection
{
    private readonly TomlTable? _table;
    private readonly string _prefix;
    private readonly string _source;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Dictionary<string, string> _origins;
    private readonly bool _environmentOverrides;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public TomlSection(TomlTable? table, string prefix, string source, IReadOnlyDictionary<string, string> environment,
        Dictionary<string, string> origins, bool environmentOverrides = true)
    {
        _table = table;
        _prefix = prefix;
        _source = source;
        _environment = environment;
        _origins = origins;
        _environmentOverrides = environmentOverrides;
    }

    public string Prefix => _prefix;

    public bool Has(string name) => _table?.ContainsKey(name) == true || TryEnvironment(name, out _, out _);

    public string? String(string name, string? fallback)
    {
        if (TryEnvironment(name, out string? env, out _))
        {
            return env;
        }
        return Raw(name) switch
        {
            null => fallback,
            string s => s,
            object other => throw WrongType(name, other, "a string"),
        };
    }

    public uint UInt32(string name, uint fallback) => (uint)Integer(name, fallback, uint.MaxValue);

    public uint? UInt32OrNull(string name) => Has(name) ? UInt32(name, 0) : null;

    public ushort UInt16(string name, ushort fallback) => (ushort)Integer(name, fallback, ushort.MaxValue);

    public ulong? UInt64OrNull(string name) => Has(name) ? Integer(name, 0, long.MaxValue) : null;

    public bool Bool(string name, bool fallback)
    {
        if (TryEnvironment(name, out string? env, out string variable))
        {
            return env!.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw new DriverConfigurationException(Key(name), env, "must be true or false", variable),
            };
        }
        return Raw(name) switch
        {
            null => fallback,
            bool b => b,
            object other => throw WrongType(name, other, "true or false"),
        };
    }

    /// <summary>§17 "string or array": <c>"20000-29999"</c> or <c>["20000-20999", "30000-30999"]</c>.</summary>
    public List<IdRange> Ranges(string name)
    {
        if (TryEnvironment(name, out string? env, out string variable))
        {
            return env!.Length == 0 ? [] : [.. env.Split(',').Select(part => ParseRange(name, part.Trim(), variable))];
        }
        return Raw(name) switch
        {
            null => [],
            string s when s.Length == 0 => [],
            string s => [ParseRange(name, s, _source)],
            TomlArray a => [.. a.Select(item => item is string s ? ParseRange(name, s, _source)
                : throw WrongType(name, item!, "an array of \"start-end\" strings"))],
            object other => throw WrongType(name, other, "a \"start-end\" string or an array of them"),
        };
    }

    public List<string> StringList(string name)
    {
        if (TryEnvironment(name, out string? env, out _))
        {
            return env!.Length == 0 ? [] : [.. env.Split(',').Select(p => p.Trim())];
        }
        return Raw(name) switch
        {
            null => [],
            TomlArray a => [.. a.Select(item => item as string ?? throw WrongType(name, item!, "an array of strings"))],
            object other => throw WrongType(name, other, "an array of strings"),
        };
    }

    /// <summary>A nested table (profiles, streams, pools).</summary>
    public TomlTable? Table(string name) => Raw(name) switch
    {
        null => null,
        TomlTable t => t,
        object other => throw WrongType(name, other, "a table"),
    };

    /// <summary>An array of tables, written inline (<c>[{...}]</c>) or as <c>[[...]]</c>.</summary>
    public List<TomlTable>? Tables(string name) => Raw(name) switch
    {
        null => null,
        TomlTableArray ta => [.. ta],
        TomlArray a => [.. a.Select(item => item as TomlTable ?? throw WrongType(name, item!, "an array of tables"))],
        object other => throw WrongType(name, other, "an array of tables"),
    };

    /// <summary>Fail on the first key of the table that no read asked for (usually a typo).</summary>
    public void RejectUnknownKeys(IEnumerable<string> known)
    {
        if (_table is null)
        {
            return;
        }
        foreach (string key in _table.Keys)
        {
            if (!_read.Contains(key))
            {
                string list = string.Join(", ", known);
                throw new DriverConfigurationException(Key(key), Describe(_table[key]), $"is not a known key here (known: {list})", _source);
            }
        }
    }

    public string Key(string name) => _prefix.Length == 0 ? name : _prefix + "." + name;

    private ulong Integer(string name, ulong fallback, ulong max)
    {
        string rule = $"must be an integer from 0 to {max.ToString(CultureInfo.InvariantCulture)}";
        if (TryEnvironment(name, out string? env, out string variable))
        {
            string t = env!.Trim();
            if (t.Length == 0 || t.Length > 20 || !t.All(char.IsAsciiDigit) ||
                !ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong parsed) || parsed > max)
            {
                throw new DriverConfigurationException(Key(name), env, rule, variable);
            }
            return parsed;
        }
        return Raw(name) switch
        {
            null => fallback,
            long l when l >= 0 && (ulong)l <= max => (ulong)l,
            long l => throw new DriverConfigurationException(Key(name), l.ToString(CultureInfo.InvariantCulture), rule, _source),
            object other => throw WrongType(name, other, "an integer"),
        };
    }

    private object? Raw(string name)
    {
        _read.Add(name);
        return _table is not null && _table.TryGetValue(name, out object? value) ? value : null;
    }

    private bool TryEnvironment(string name, out string? value, out string variable)
    {
        _read.Add(name);
        variable = DriverEnvironment.VariableFor(Key(name));
        if (_environmentOverrides && _environment.TryGetValue(variable, out value))
        {
            _origins[Key(name)] = "environment variable " + variable;
            return true;
        }
        value = null;
        return false;
    }

    private IdRange ParseRange(string name, string text, string origin) =>
        IdRange.TryParse(text, out IdRange range, out string error)
            ? range
            : throw new DriverConfigurationException(Key(name), text, error, origin);

    private DriverConfigurationException WrongType(string name, object value, string expected) =>
        new(Key(name), Describe(value), $"must be {expected}, not {TypeName(value)}", _source);

    internal static string Describe(object? value) => value switch
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

    internal static string TypeName(object value) => value switch
    {
        string => "a string",
        bool => "a boolean",
        long => "an integer",
        double => "a float",
        TomlTable => "a table",
        TomlArray or TomlTableArray => "an array",
        _ => "a date-time",
    };
}
