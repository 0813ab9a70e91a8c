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
        RaiseNatively(TpError.ErrMagic, "bad magic from the smoke test");
        Assert.That(NativeMethods.tp_errcode(), Is.EqualTo((int)TpError.ErrMagic));
        Assert.That(NativeMethods.tp_errmsg_string(), Does.StartWith("(-31) bad magic from the smoke test").And.Contain("at smoke_test (smoke.c:42)"));

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

    /// <summary>
    /// Raises an error the way library code does, through the exported raiser tp_err_set (variadic, so not bound).
    /// The format has no conversions, so no variadic argument is ever read and calling it through a fixed-arity
    /// cdecl pointer is well-defined on x86-64 SysV.
    /// </summary>
    private static void RaiseNatively(TpError code, string message)
    {
        Assert.That(NativeLibraryResolver.Handle, Is.Not.EqualTo((nint)0), "loaded by the [SetUp] call");
        var set = (delegate* unmanaged[Cdecl]<int, byte*, byte*, int, byte*, int>)NativeLibrary.GetExport(NativeLibraryResolver.Handle, "tp_err_set");
        byte[] function = "smoke_test\0"u8.ToArray();
        byte[] file = "smoke.c\0"u8.ToArray();
        byte[] format = System.Text.Encoding.UTF8.GetBytes(message.Replace("%", "%%", StringComparison.Ordinal) + "\0");
        fixed (byte* f = function, fl = file, fmt = format)
        {
            Assert.That(set((int)code, f, fl, 42, fmt), Is.EqualTo((int)code));
        }
    }
}
