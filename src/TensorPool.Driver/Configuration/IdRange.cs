using System.Globalization;

namespace TensorPool.Driver.Configuration;

/// <summary>An inclusive range of stream ids, written <c>"20000-29999"</c> in TOML (driver spec §11, §17).</summary>
public readonly record struct IdRange(uint Start, uint End)
{
    /// <summary>Ids in the range (End ≥ Start is checked by validation).</summary>
    public ulong Count => End >= Start ? (ulong)End - Start + 1 : 0;

    public bool Contains(uint id) => id >= Start && id <= End;

    public bool Overlaps(IdRange other) => Start <= other.End && other.Start <= End;

    /// <summary>
    /// Parse <c>"start-end"</c> (decimal, optional spaces around the dash) or a single id <c>"start"</c>; false with a
    /// reason otherwise. Ordering (start ≤ end) is a validation rule, not a syntax rule, so "5-3" parses.
    /// </summary>
    public static bool TryParse(string text, out IdRange range, out string error)
    {
        range = default;
        string[] parts = text.Split('-');
        if (parts.Length is < 1 or > 2 || !TryParseId(parts[0], out uint start) ||
            (parts.Length == 2 && !TryParseId(parts[1], out _)))
        {
            error = "must be \"start-end\" with decimal stream ids from 0 to 4294967295";
            return false;
        }
        uint end = parts.Length == 2 ? uint.Parse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture) : start;
        range = new IdRange(start, end);
        error = "";
        return true;
    }

    private static bool TryParseId(string s, out uint id)
    {
        s = s.Trim();
        id = 0;
        return s.Length is > 0 and <= 10 && s.All(char.IsAsciiDigit) &&
            uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public override string ToString() => Start == End
        ? Start.ToString(CultureInfo.InvariantCulture)
        : $"{Start.ToString(CultureInfo.InvariantCulture)}-{End.ToString(CultureInfo.InvariantCulture)}";
}
