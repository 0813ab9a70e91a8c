using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport.Tests;

/// <summary>The one mapping from a native failure (code + the thread's tp_errmsg) to a typed exception.</summary>
public unsafe class NativeErrorTests
{
    private static readonly int[] PathCodes =
    [
        (int)TpError.ErrPathNotAbsolute, (int)TpError.ErrPathNotContained, (int)TpError.ErrPathInvalid,
        (int)TpError.ErrNotRegularFile, (int)TpError.ErrSymlink, (int)TpError.ErrFileChanged, (int)TpError.ErrNotFound,
        (int)TpError.ErrExists, (int)TpError.ErrPermission, (int)TpError.ErrOwner,
    ];

    private static readonly int[] FormatCodes =
    [
        (int)TpError.ErrSize, (int)TpError.ErrMagic, (int)TpError.ErrLayoutVersion, (int)TpError.ErrNslots,
        (int)TpError.ErrStride, (int)TpError.ErrSlotBytes, (int)TpError.ErrRegionType, (int)TpError.ErrPoolId,
        (int)TpError.ErrEpoch, (int)TpError.ErrStreamId, (int)TpError.ErrMismatch, (int)TpLogError.ErrCapacity,
        (int)TpLogError.ErrMagic, (int)TpLogError.ErrVersion, (int)TpLogError.ErrFileSize, (int)TpLogError.ErrDescriptor,
        (int)TpLogError.ErrCapacityMismatch,
    ];

    [Test]
    public void A_failed_call_becomes_an_exception_with_its_code_name_and_native_stack()
    {
        TpLog* log;
        int rc = NativeMethods.tp_log_open(&log, "relative/path.log", 0);
        TensorPoolException e = NativeError.Create(rc, "opening a log");
        Assert.That(e, Is.InstanceOf<TensorPoolPathException>());
        Assert.That(e.Code, Is.EqualTo((int)TpError.ErrPathNotAbsolute));
        Assert.That(e.CodeName, Is.EqualTo("TP_ERR_PATH_NOT_ABSOLUTE"));
        Assert.That(e.NativeMessage, Does.Contain("relative/path.log").And.Contain("tp_log"));
        Assert.That(e.Message, Does.StartWith("opening a log: ").And.EndWith("[TP_ERR_PATH_NOT_ABSOLUTE]"));
        Assert.That(e.Message, Does.Not.Contain("\n"), "the first line of the stack only; the rest is in NativeMessage");
    }

    [Test]
    public void Every_native_code_maps_to_its_family_and_has_a_name()
    {
        foreach (int code in Enum.GetValues<TpError>().Select(c => (int)c).Concat(Enum.GetValues<TpLogError>().Select(c => (int)c)).Where(c => c < 0))
        {
            TensorPoolException e = NativeError.Create(code, "op");
            Type expected = PathCodes.Contains(code) ? typeof(TensorPoolPathException)
                : FormatCodes.Contains(code) ? typeof(TensorPoolFileFormatException)
                : typeof(TensorPoolException);
            Assert.That(e.GetType(), Is.EqualTo(expected), $"code {code}");
            Assert.That(e.CodeName, Does.StartWith("TP_").And.Not.Contain("UNKNOWN"), $"code {code}");
        }
    }

    [Test]
    public void A_message_recorded_for_another_failure_is_not_attached()
    {
        TpLog* log;
        _ = NativeMethods.tp_log_open(&log, "relative.log", 0); // leaves TP_ERR_PATH_NOT_ABSOLUTE on this thread
        TensorPoolException e = NativeError.Create((int)TpLogError.ErrMagic, "reading");
        Assert.That(e.NativeMessage, Is.Empty);
        Assert.That(e.Message, Is.EqualTo("reading: failed with TP_LOG_ERR_MAGIC (-101)"));
    }

    [Test]
    public void Check_passes_results_through_and_throws_for_failures()
    {
        Assert.That(NativeError.Check(5, "op"), Is.EqualTo(5));
        Assert.That(NativeError.Check(7L, "op"), Is.EqualTo(7L));
        Assert.Throws<TensorPoolException>(() => NativeError.Check((int)TpError.ErrIo, "op"));
        Assert.Throws<TensorPoolFileFormatException>(() => NativeError.Check((long)TpLogError.ErrMagic, "op"));
    }
}
