using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorPool.Native.Tests;

/// <summary>The SafeHandle base for native objects released by a tp_*_close function.</summary>
public unsafe class NativeHandleTests
{
    internal struct Thing
    {
        public int Value;
    }

    /// <summary>A native object (NativeMemory) whose close frees it and counts.</summary>
    internal sealed class ThingHandle(int closeResult = 0) : NativeHandle<Thing>
    {
        public static int Closed;

        public int ClosedHere { get; private set; }

        protected override int Close(Thing* pointer)
        {
            NativeMemory.Free(pointer);
            ClosedHere++;
            Interlocked.Increment(ref Closed);
            return closeResult;
        }
    }

    private static Thing* NewThing(int value)
    {
        var thing = (Thing*)NativeMemory.Alloc((nuint)sizeof(Thing));
        thing->Value = value;
        return thing;
    }

    [Test]
    public void Dispose_closes_the_object_exactly_once()
    {
        var handle = new ThingHandle();
        handle.Adopt(NewThing(1));
        handle.Dispose();
        handle.Dispose();
        Assert.That(handle.ClosedHere, Is.EqualTo(1));
        Assert.That(handle.IsClosed, Is.True);
    }

    [Test]
    public void A_handle_that_never_owned_an_object_closes_nothing()
    {
        var handle = new ThingHandle();
        Assert.That(handle.IsInvalid, Is.True);
        handle.Adopt(null);
        handle.Dispose();
        Assert.That(handle.ClosedHere, Is.Zero);
    }

    [Test]
    public void A_handle_adopts_at_most_one_object_and_none_after_dispose()
    {
        using var handle = new ThingHandle();
        Thing* first = NewThing(1);
        handle.Adopt(first);
        Thing* second = NewThing(2);
        Assert.Throws<InvalidOperationException>(() => handle.Adopt(second));
        NativeMemory.Free(second);

        var closed = new ThingHandle();
        closed.Dispose();
        Thing* third = NewThing(3);
        Assert.Throws<ObjectDisposedException>(() => closed.Adopt(third));
        NativeMemory.Free(third);
    }

    [Test]
    public void Lease_gives_the_pointer_and_defers_close_until_it_ends()
    {
        var handle = new ThingHandle();
        handle.Adopt(NewThing(42));
        using (NativeHandleLease<Thing> lease = handle.Lease())
        {
            Assert.That(lease.Pointer->Value, Is.EqualTo(42));
            handle.Dispose(); // another thread could do this mid-call
            Assert.That(handle.ClosedHere, Is.Zero, "the object outlives the lease");
            Assert.That(lease.Pointer->Value, Is.EqualTo(42));
        }
        Assert.That(handle.ClosedHere, Is.EqualTo(1));
    }

    [Test]
    public void Lease_of_a_closed_or_empty_handle_throws()
    {
        var empty = new ThingHandle();
        Assert.Throws<ObjectDisposedException>(() => empty.Lease());
        var handle = new ThingHandle();
        handle.Adopt(NewThing(1));
        handle.Dispose();
        Assert.Throws<ObjectDisposedException>(() => handle.Lease());
    }

    [Test]
    public void A_failed_close_is_reported_through_CloseResult_without_throwing()
    {
        var handle = new ThingHandle(closeResult: (int)TpError.ErrIo);
        handle.Adopt(NewThing(1));
        Assert.DoesNotThrow(handle.Dispose);
        Assert.That(handle.CloseResult, Is.EqualTo((int)TpError.ErrIo));
    }

    [Test]
    public void A_forgotten_handle_is_closed_by_the_finalizer()
    {
        int before = Volatile.Read(ref ThingHandle.Closed);
        AdoptAndForget();
        for (int i = 0; i < 50 && Volatile.Read(ref ThingHandle.Closed) == before; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.That(Volatile.Read(ref ThingHandle.Closed), Is.GreaterThan(before));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AdoptAndForget()
    {
        var handle = new ThingHandle();
        handle.Adopt(NewThing(7));
    }
}
