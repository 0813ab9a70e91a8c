using System.Globalization;

namespace TensorPool.Cli.Shm;

/// <summary>Dims and strides as "[480, 640]".</summary>
internal static class Shape
{
    public static string Format(IReadOnlyList<int> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
}
