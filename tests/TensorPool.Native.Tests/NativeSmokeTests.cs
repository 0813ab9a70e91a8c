using System.Reflection;
using System.Runtime.InteropServices;

namespace TensorPool.Native.Tests;

/// <summary>Calls through the real generated bindings into the built libtensorpool.so.</summary>
public unsafe class NativeSmokeTests
{
    [SetUp]
    public void ClearError() => NativeMethods.tp_err_clear();

    [Test]
    public void Native_version_matches_Version_props_and_the_assembly_version()
    {
        string? version = NativeMethods.tp_version_string();
        Assert.That(version, Is.EqualTo(NativeBuild.VersionPrefix));
        Version assembly = typeof(NativeMethods).Assembly.GetName().Version!;
        Assert.That(version, Is.EqualTo($"{assembly.Major}.{assembly.Minor}.{assembly.Build}"));
        Assert.That(NativeMethods.tp_version_number(), Is.EqualTo((uint)((assembly.Major << 16) | (assembly.Minor << 8) | assembly.Build)));
    }

    [Test]
    public void Raw_string_return_and_its_helper_agree()
    {
        byte* raw = NativeMethods.tp_version();
        Assert.That(raw != null, Is.True);
        Assert.That(Marshal.PtrToStringUTF8((nint)raw), Is.EqualTo(NativeMethods.tp_version_string()));
    }

    [Test]
    public void Every_TpError_member_is_named_by_tp_errname_as_its_c_constant()
    {
        foreach (FieldInfo member in typeof(TpError).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            string cName = member.GetCustomAttribute<NativeNameAttribute>()!.Name;
            int code = (int)member.GetValue(null)!;
            Assert.That(NativeMethods.tp_errname_string(code), Is.EqualTo(cName), member.Name);
        }
        Assert.That(NativeMethods.tp_errname_string(-12345), Is.EqualTo("TP_ERR_UNKNOWN"));
    }

    [Test]
    public void An_error_raised_natively_is_visible_through_errcode_and_errmsg_on_the_same_thread_only()
    {
        TpShmUri uri;
        int rc = NativeMethods.tp_shm_uri_parse(&uri, "http://example/not-shm");
        Assert.That(rc, Is.EqualTo((int)TpError.ErrUriScheme));
        Assert.That(NativeMethods.tp_errcode(), Is.EqualTo(rc));
        Assert.That(NativeMethods.tp_errmsg_string(), Does.StartWith("(-10) ").And.Contain("http://example/not-shm").And.Contain(" at tp_"));

        int otherThreadCode = int.MinValue;
        string? otherThreadMessage = null;
        var thread = new Thread(() =>
        {
            otherThreadCode = NativeMethods.tp_errcode();
            otherThreadMessage = NativeMethods.tp_errmsg_string();
        });
        thread.Start();
        Assert.That(thread.Join(TimeSpan.FromMinutes(1)), Is.True);
        Assert.That(otherThreadCode, Is.EqualTo((int)TpError.Ok), "the error is per thread");
        Assert.That(otherThreadMessage, Is.Empty);

        NativeMethods.tp_err_clear();
        Assert.That(NativeMethods.tp_errcode(), Is.EqualTo((int)TpError.Ok));
        Assert.That(NativeMethods.tp_errmsg_string(), Is.Empty);
    }

    [Test]
    public void Trivial_functions_are_callable_without_a_gc_transition()
    {
        Assert.That(typeof(NativeMethods).GetMethod(nameof(NativeMethods.tp_header_slot_offset), BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
            .GetCustomAttribute<SuppressGCTransitionAttribute>(), Is.Not.Null);
        Assert.That(NativeMethods.tp_header_slot_offset(3), Is.EqualTo(64UL + 3 * 256));
        Assert.That(NativeMethods.tp_dtype_element_bytes((int)TpDtype.Float32), Is.EqualTo(4));
    }
}
