using System.Globalization;

namespace TensorPool.Bench;

/// <summary>The <c>key=value</c> pairs of a child's result line (<see cref="ChildLines.Result"/>).</summary>
public static class ResultLine
{
    /// <summary>The value of <paramref name="key"/> as a number.</summary>
    public static long Field(string result, string key) => long.Parse(Text(result, key), CultureInfo.InvariantCulture);

    /// <summary>The value of <paramref name="key"/> as text.</summary>
    public static string Text(string result, string key)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (string part in result.Split(' '))
        {
            if (part.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return part[(key.Length + 1)..];
            }
        }
        throw new KeyNotFoundException($"no {key}= in '{result}'");
    }
}
