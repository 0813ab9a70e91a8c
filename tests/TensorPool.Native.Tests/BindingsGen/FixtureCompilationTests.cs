using System.Reflection;
using System.Runtime.InteropServices;
using TensorPool.BindingsGen;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>The C# generated for the fixture headers compiles warning-free, with the real LibraryImport generator.</summary>
public class FixtureCompilationTests
{
    private static readonly Lazy<FixtureCompiler.Result> Compiled =
        new(() => FixtureCompiler.Compile(Fixtures.Valid.Files, "TensorPool.Fixtures.Bindings"));

    internal static Assembly FixtureAssembly
    {
        get
        {
            FixtureCompiler.Result result = Compiled.Value;
            Assert.That(result.Assembly, Is.Not.Null, () => "fixture bindings do not compile:\n" + string.Join("\n", result.Errors));
            return result.Assembly!;
        }
    }

    [Test]
    public void Generated_code_for_every_fixture_compiles_without_errors_or_warnings()
    {
        FixtureCompiler.Result result = Compiled.Value;
        Assert.That(result.Errors.Select(e => e.ToString()), Is.Empty);
        Assert.That(result.Warnings.Select(e => e.ToString()), Is.Empty);
    }

    [Test]
    public void LibraryImport_generator_ran_so_imports_have_marshalling_stubs()
    {
        Type nativeMethods = FixtureAssembly.GetType("TensorPool.Native.NativeMethods")!;
        MethodInfo create = nativeMethods.GetMethod("tp_widget_create", BindingFlags.NonPublic | BindingFlags.Static)!;
        // The generated stub is managed code that calls an inner [DllImport]; an unimplemented partial would not compile.
        Assert.That(create.GetMethodBody(), Is.Not.Null);
        Assert.That(create.Attributes & MethodAttributes.PinvokeImpl, Is.EqualTo((MethodAttributes)0));
    }

    [Test]
    public void Compiling_rejects_broken_code_so_the_compile_check_can_fail()
    {
        var broken = new GeneratedFile("/broken/Broken.g.cs", "namespace X; internal struct Y { public int Z = ; }");
        FixtureCompiler.Result result = FixtureCompiler.Compile([broken], "Broken");
        Assert.That(result.Assembly, Is.Null);
        Assert.That(result.Errors, Is.Not.Empty);
    }

    [Test]
    public void Every_generated_struct_is_blittable()
    {
        foreach (Type type in FixtureAssembly.GetTypes().Where(t => t.IsValueType && !t.IsEnum && !t.IsNested))
        {
            // Pinning fails for non-blittable types: the bindings must be usable as raw memory.
            object instance = Activator.CreateInstance(type)!;
            GCHandle handle = GCHandle.Alloc(instance, GCHandleType.Pinned);
            handle.Free();
        }
        Assert.Pass();
    }
}
