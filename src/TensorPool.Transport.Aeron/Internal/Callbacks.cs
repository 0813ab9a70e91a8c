using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using TensorPool.Aeron.Native.Internal;
using NativeSubscription = TensorPool.Aeron.Native.Internal.AeronSubscription;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// The functions Aeron calls back. None may let an exception escape into native code (it would end the process): each
/// catches what the managed side throws and hands it on.
/// </summary>
internal static unsafe class Callbacks
{
    /// <summary>Data frames flags (Aeron's frame header): the first and last fragment of a message.</summary>
    private const byte BeginFlag = 0x80;
    private const byte EndFlag = 0x40;

    /// <summary><c>aeron_error_handler_t</c>: errors of a client's conductor (driver timeout, client timeout, driver errors).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void OnClientError(void* clientd, int errcode, byte* message)
    {
        try
        {
            if (GCHandle.FromIntPtr((nint)clientd).Target is AeronTransport transport)
            {
                transport.OnClientError(errcode, Marshal.PtrToStringUTF8((nint)message) ?? string.Empty);
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("TensorPool.Transport.Aeron: error handler failed: " + e);
        }
    }

    /// <summary><c>aeron_on_available_image_t</c>.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void OnAvailableImage(void* clientd, NativeSubscription* subscription, AeronImage* image) =>
        OnImage(clientd, subscription, image, available: true);

    /// <summary><c>aeron_on_unavailable_image_t</c>.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void OnUnavailableImage(void* clientd, NativeSubscription* subscription, AeronImage* image) =>
        OnImage(clientd, subscription, image, available: false);

    private static void OnImage(void* clientd, NativeSubscription* subscription, AeronImage* image, bool available)
    {
        try
        {
            if (GCHandle.FromIntPtr((nint)clientd).Target is AeronSubscription owner)
            {
                AeronImageConstants constants;
                string source = string.Empty;
                int session = 0;
                if (NativeMethods.aeron_image_constants(image, &constants) == 0)
                {
                    session = constants.SessionId;
                    source = Marshal.PtrToStringUTF8((nint)constants.SourceIdentity) ?? string.Empty;
                }
                owner.OnImage((nint)subscription, session, source, available);
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("TensorPool.Transport.Aeron: image handler failed: " + e);
        }
    }

    /// <summary>
    /// <c>aeron_controlled_fragment_handler_t</c> behind the fragment assembler: one whole message. Delivered messages
    /// are consumed; at the limit, after a handler's exception or a close, the rest of the poll is left in place (ABORT)
    /// for the next one.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static AeronControlledFragmentHandlerAction OnMessage(void* clientd, byte* buffer, nuint length, AeronHeader* header)
    {
        var state = (PollState*)clientd;
        if (state->Stop != 0)
        {
            return AeronControlledFragmentHandlerAction.ActionAbort;
        }
        state->Delivered++;
        state->Received++;
        state->ReceivedBytes += (long)length;
        try
        {
            state->Invoke(state->Handler, new ReadOnlySpan<byte>(buffer, (int)length));
        }
        catch (Exception e)
        {
            // The message counts as received (as on tp:ipc); the exception is rethrown by Poll once Aeron returns.
            state->Stop = 1;
            if (GCHandle.FromIntPtr(state->Owner).Target is AeronSubscription owner)
            {
                owner.Fault = ExceptionDispatchInfo.Capture(e);
            }
            return AeronControlledFragmentHandlerAction.ActionBreak;
        }
        if (state->Delivered >= state->Limit || state->Closed != 0 || state->Stop != 0)
        {
            state->Stop = 1;
            return AeronControlledFragmentHandlerAction.ActionBreak;
        }
        return AeronControlledFragmentHandlerAction.ActionContinue;
    }

    /// <summary>Counts the messages (fragments with the end flag) a peek passes, leaving them in place.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static AeronControlledFragmentHandlerAction OnCount(void* clientd, byte* buffer, nuint length, AeronHeader* header)
    {
        if ((Flags(header) & EndFlag) != 0)
        {
            ((PollState*)clientd)->Counted++;
        }
        return AeronControlledFragmentHandlerAction.ActionContinue;
    }

    /// <summary>Consumes fragments without delivering them until <see cref="PollState.SkipRemaining"/> messages are passed over.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static AeronControlledFragmentHandlerAction OnSkip(void* clientd, byte* buffer, nuint length, AeronHeader* header)
    {
        var state = (PollState*)clientd;
        byte flags = Flags(header);
        if (state->SkipRemaining <= 0)
        {
            return AeronControlledFragmentHandlerAction.ActionAbort;
        }
        state->SkippedBytes += (long)length;
        if ((flags & EndFlag) != 0)
        {
            state->Skipped++;
            state->SkipRemaining--;
        }
        return AeronControlledFragmentHandlerAction.ActionContinue;
    }

    private static byte Flags(AeronHeader* header)
    {
        AeronHeaderValues values;
        return NativeMethods.aeron_header_values(header, &values) == 0 ? values.Frame.Flags : (byte)(BeginFlag | EndFlag);
    }

    /// <summary>Calls a struct handler through its address (a stack copy owned by the polling thread).</summary>
    public static void Dispatch<THandler>(void* handler, ReadOnlySpan<byte> message)
        where THandler : struct, IMessageHandler =>
        Unsafe.AsRef<THandler>(handler).OnMessage(message);
}
