using TensorPool.Frames;
using TensorPool.Native.Internal;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

namespace TensorPool.JoinBarrier.Stage;

/// <summary>
/// Joins by stacking: the output holds one row per input, in input order. When every present input is a row-major
/// contiguous tensor of one dtype and shape <c>[d0..dk]</c> (k &lt; 7), the output is that dtype with shape
/// <c>[N, d0..dk]</c>; otherwise it is UINT8 <c>[N, L]</c> with L the largest present payload, each row the input's
/// payload bytes. An absent input's row is zeros (docs/DECISIONS.md D192).
/// </summary>
public static class StackedOutput
{
    // The output shape, per thread (a stack buffer could not be passed to a claim that outlives this call's frame).
    [ThreadStatic]
    private static int[]? t_shape;

    /// <summary>The output's length in bytes for <paramref name="inputs"/>; -1 when no input is present.</summary>
    public static int Length(in JoinFrames inputs)
    {
        int row = RowBytes(in inputs, out _);
        return row < 0 ? -1 : checked(row * inputs.Count);
    }

    /// <summary>Copies each present input's payload into its row of <paramref name="output"/> and describes the tensor.</summary>
    public static void Write(in JoinFrames inputs, ref FrameClaim output)
    {
        int row = RowBytes(in inputs, out bool tensor);
        Span<byte> payload = output.Payload;
        int[] shape = t_shape ??= new int[TpTensorConstants.MaxDims];
        int ndims = 2;
        Dtype dtype = Dtype.Uint8;
        shape[0] = inputs.Count;
        shape[1] = row;
        for (int i = 0; i < inputs.Count; i++)
        {
            Span<byte> target = payload.Slice(i * row, row);
            if (!inputs.IsPresent(i))
            {
                target.Clear();
                continue;
            }
            Frame frame = inputs[i];
            ReadOnlySpan<byte> source = frame.Payload;
            source.CopyTo(target);
            target[source.Length..].Clear();
            if (tensor && ndims == 2)
            {
                dtype = frame.Dtype;
                ReadOnlySpan<int> dims = frame.Dims;
                dims.CopyTo(shape.AsSpan(1));
                ndims = 1 + dims.Length;
            }
        }
        output.SetTensor(dtype, shape.AsSpan(0, ndims));
    }

    /// <summary>The bytes of one row; whether the rows are tensors of one dtype and shape (-1: nothing present).</summary>
    private static int RowBytes(in JoinFrames inputs, out bool tensor)
    {
        int row = -1;
        tensor = true;
        int first = -1;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs.IsPresent(i))
            {
                continue;
            }
            Frame frame = inputs[i];
            int length = (int)frame.ValuesLenBytes;
            row = Math.Max(row, length);
            if (!IsContiguousRowMajor(in frame, length) || frame.Ndims >= TpTensorConstants.MaxDims)
            {
                tensor = false;
            }
            else if (first < 0)
            {
                first = i;
            }
            else if (!SameTensor(inputs[first], in frame))
            {
                tensor = false;
            }
        }
        return row;
    }

    private static bool SameTensor(in Frame a, in Frame b) =>
        a.Dtype == b.Dtype && a.Dims.SequenceEqual(b.Dims) && a.ValuesLenBytes == b.ValuesLenBytes;

    private static bool IsContiguousRowMajor(in Frame frame, int length)
    {
        if (frame.MajorOrder != MajorOrder.Row || !DtypeInfo.IsUsable(frame.Dtype))
        {
            return false;
        }
        long expected = DtypeInfo.ElementSize(frame.Dtype);
        ReadOnlySpan<int> dims = frame.Dims;
        ReadOnlySpan<int> strides = frame.Strides;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            if (strides[d] != expected)
            {
                return false;
            }
            expected *= dims[d];
        }
        return expected == length;
    }
}
