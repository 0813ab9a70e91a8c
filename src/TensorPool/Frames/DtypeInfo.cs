using System.Runtime.CompilerServices;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Frames;

/// <summary>
/// The element types of the TensorHeader registry (wire spec §15.8) and the .NET types that hold them.
/// </summary>
public static class DtypeInfo
{
    /// <summary>
    /// Bytes per element of <paramref name="dtype"/>: the native core's answer (<c>tp_dtype_element_bytes</c>),
    /// 0 for UNKNOWN and unassigned values. BOOLEAN and BIT take one byte per element (docs/DECISIONS.md D6).
    /// </summary>
    public static int ElementSize(Dtype dtype) => (int)NativeMethods.tp_dtype_element_bytes((int)dtype);

    /// <summary>True when <paramref name="dtype"/> is a value the registry assigns (UNKNOWN is not usable, §15.8).</summary>
    public static bool IsUsable(Dtype dtype) => dtype != Dtype.Unknown && ElementSize(dtype) > 0;

    /// <summary>
    /// The dtype a span of <typeparamref name="T"/> is published as: byte → UINT8, sbyte → INT8, ushort → UINT16,
    /// short → INT16, uint → UINT32, int → INT32, ulong → UINT64, long → INT64, float → FLOAT32,
    /// double → FLOAT64, bool → BOOLEAN.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no dtype (for example Half or a struct).</exception>
    public static Dtype Of<T>()
        where T : unmanaged
    {
        Dtype d = TryOf<T>();
        return d != Dtype.Unknown
            ? d
            : throw new NotSupportedException($"{typeof(T).Name} has no TensorHeader dtype (§15.8); publish its bytes as UINT8 or BYTES");
    }

    /// <summary>True when a tensor of <paramref name="dtype"/> can be viewed as elements of <typeparamref name="T"/>.</summary>
    /// <remarks>
    /// Exact matches, plus byte-sized views of the byte-sized dtypes (BYTES, BIT, BOOLEAN, UINT8 as byte; BOOLEAN as bool).
    /// </remarks>
    public static bool CanView<T>(Dtype dtype)
        where T : unmanaged
    {
        Dtype own = TryOf<T>();
        if (own == dtype)
        {
            return true;
        }
        return own == Dtype.Uint8 && dtype is Dtype.Bytes or Dtype.Bit or Dtype.Boolean;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Dtype TryOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            return Dtype.Uint8;
        }
        if (typeof(T) == typeof(sbyte))
        {
            return Dtype.Int8;
        }
        if (typeof(T) == typeof(ushort))
        {
            return Dtype.Uint16;
        }
        if (typeof(T) == typeof(short))
        {
            return Dtype.Int16;
        }
        if (typeof(T) == typeof(uint))
        {
            return Dtype.Uint32;
        }
        if (typeof(T) == typeof(int))
        {
            return Dtype.Int32;
        }
        if (typeof(T) == typeof(ulong))
        {
            return Dtype.Uint64;
        }
        if (typeof(T) == typeof(long))
        {
            return Dtype.Int64;
        }
        if (typeof(T) == typeof(float))
        {
            return Dtype.Float32;
        }
        if (typeof(T) == typeof(double))
        {
            return Dtype.Float64;
        }
        if (typeof(T) == typeof(bool))
        {
            return Dtype.Boolean;
        }
        return Dtype.Unknown;
    }
}
