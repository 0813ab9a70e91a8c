using System.Globalization;

namespace TensorPool.Cli.Join;

/// <summary>Parses <c>S:N</c> (an input stream and a number) as <c>tp join --offset</c> and <c>--window</c> take them.</summary>
internal static class JoinRuleText
{
    public static bool TryParse(string text, string option, bool signed, out uint stream, out long value, out string error)
    {
        stream = 0;
        value = 0;
        error = "";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1
            || !uint.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out stream)
            || !long.TryParse(text.AsSpan(colon + 1), signed ? NumberStyles.AllowLeadingSign : NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = $"{option} '{text}' must be STREAM:{(signed ? "N (a signed integer)" : "N (a positive integer)")}";
            return false;
        }
        if (!signed && value < 1)
        {
            error = $"{option} '{text}': the window must be positive (JoinBarrier spec §6.2.2, §6.3.2)";
            return false;
        }
        return true;
    }
}
