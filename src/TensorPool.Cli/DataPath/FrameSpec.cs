using System.Globalization;
using TensorPool.Frames.Internal;
using TensorPool.Frames;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.DataPath;

/// <summary>What each synthetic frame is: its tensor (dtype and shape) and byte length.</summary>
internal sealed record FrameSpec(Dtype Dtype, int[] Dims, int Bytes)
{
    /// <summary>The largest frame the commands produce (a pool stride must hold it).</summary>
    public const int MaxBytes = 256 << 20;

    public string Describe() => Dims.Length == 1 && Dtype == Dtype.Uint8
        ? $"{Bytes} bytes"
        : $"{string.Join('x', Dims)} {Dtype.ToSbeName()!.ToLowerInvariant()} ({Bytes} bytes)";

    /// <summary>
    /// From <c>--shape 480x640 --dtype float32</c> or <c>--bytes N</c> (not both). Null and an error line for bad input.
    /// </summary>
    public static FrameSpec? TryParse(string? shape, string? dtype, int? bytes, out string error)
    {
        error = "";
        if (bytes is not null)
        {
            if (shape is not null || dtype is not null)
            {
                error = "--bytes cannot be combined with --shape or --dtype";
                return null;
            }
            if (bytes < SyntheticPayload.MinLength || bytes > MaxBytes)
            {
                error = $"--bytes {bytes} must be from {SyntheticPayload.MinLength} (the sequence and checksum words) to {MaxBytes}";
                return null;
            }
            return new FrameSpec(Dtype.Uint8, [bytes.Value], bytes.Value);
        }
        string shapeText = shape ?? "480x640";
        string dtypeText = dtype ?? "float32";
        if (!DtypeExtensions.TryParseSbeName(dtypeText.ToUpperInvariant(), out Dtype d) || !DtypeInfo.IsUsable(d))
        {
            error = $"--dtype '{dtypeText}' is not one of uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64, boolean, bytes, bit";
            return null;
        }
        string[] parts = shapeText.Split('x');
        if (parts.Length is < 1 or > 8)
        {
            error = $"--shape '{shapeText}' must have 1 to 8 dimensions separated by 'x' (e.g. 480x640)";
            return null;
        }
        var dims = new int[parts.Length];
        long total = DtypeInfo.ElementSize(d);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
            {
                error = $"--shape '{shapeText}': '{parts[i]}' is not a positive integer";
                return null;
            }
            total *= dims[i];
            if (total > MaxBytes)
            {
                error = $"--shape '{shapeText}' of {dtypeText} is larger than {MaxBytes} bytes";
                return null;
            }
        }
        if (total < SyntheticPayload.MinLength)
        {
            error = $"--shape '{shapeText}' of {dtypeText} is {total} bytes; frames carry a sequence and checksum, so at least {SyntheticPayload.MinLength}";
            return null;
        }
        return new FrameSpec(d, dims, (int)total);
    }
}
