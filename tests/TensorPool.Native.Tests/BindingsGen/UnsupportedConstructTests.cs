using TensorPool.BindingsGen;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>
/// Every construct the generator cannot bind exactly makes it fail with the header, the line and the construct
/// (Fixtures/Unsupported/*.h, one construct each, its line marked EXPECT-ERROR) — it never emits something wrong.
/// </summary>
public class UnsupportedConstructTests
{
    private static BindingsException Fail(string header)
    {
        var e = Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Fixtures.Options(Fixtures.UnsupportedDirectory, [header])));
        return e!;
    }

    [TestCase("union.h", "union 'tp_bits_un' is not bindable")]
    [TestCase("bitfield.h", "bit-field field 'ready' of 'tp_flags_t'")]
    [TestCase("bool_parameter.h", "parameter 'on' of 'tp_fixture_enable': 'bool' is not bindable")]
    [TestCase("bool_return.h", "return type of 'tp_fixture_is_ready': 'bool' is not bindable")]
    [TestCase("bool_field.h", "field 'ready' of 'tp_state_t': 'bool' is not bindable")]
    [TestCase("large_by_value.h", "struct 'tp_big_t' passed or returned by value (24 bytes)")]
    [TestCase("packed_by_value.h", "struct 'tp_odd_t' passed or returned by value (5 bytes, packed)")]
    [TestCase("not_exported.h", "function 'tp_fixture_hidden' is declared in a public header but not exported: mark it TP_EXPORT")]
    [TestCase("unprototyped.h", "function 'tp_fixture_old_style' has no prototype")]
    [TestCase("variadic_callback.h", "function pointer typedef 'tp_fixture_logger_t' is variadic")]
    [TestCase("flexible_array.h", "field 'data' of 'tp_record_t': flexible array member")]
    [TestCase("foreign_type.h", "struct timespec' is declared outside the bound headers")]
    [TestCase("atomic_field.h", "field 'value' of 'tp_counter_t': '_Atomic(uint64_t)': _Atomic is not bindable")]
    [TestCase("long_double.h", "type 'long double' is not bindable")]
    [TestCase("anonymous_member.h", "anonymous struct member in 'tp_point_t'")]
    [TestCase("global_variable.h", "variable 'tp_fixture_counter' is not bindable")]
    [TestCase("unknown_annotation.h", "unknown annotation 'tp:fast'")]
    [TestCase("name_collision.h", "'thing_t' and 'tp_thing_t' both map to the C# name 'TpThing'")]
    [TestCase("int128_field.h", "type '__int128' is not bindable")]
    [TestCase("string_helper_collision.h", "function 'tp_label_string' has the name of the generated string helper of 'tp_label'")]
    [TestCase("empty_struct.h", "struct 'tp_nothing' has no fields")]
    public void Unsupported_construct_fails_naming_header_line_and_construct(string header, string construct)
    {
        BindingsException e = Fail(header);
        string path = $"tests/TensorPool.Native.Tests/BindingsGen/Fixtures/Unsupported/{header}";
        int line = Fixtures.ExpectedErrorLine(header);
        Assert.That(e.Errors, Has.Count.EqualTo(1), e.Message);
        BindingsError error = e.Errors[0];
        Assert.That((error.File, error.Line), Is.EqualTo((path, line)), e.Message);
        Assert.That(error.Message, Does.Contain(construct));
        Assert.That(e.Message, Does.StartWith($"{path}:{line}:"), "printed compiler-style: file:line:column: error: ...");
    }

    [Test]
    public void Header_clang_cannot_compile_fails_with_clangs_diagnostic()
    {
        BindingsException e = Fail("syntax_error.h");
        Assert.That(e.Message, Does.Contain("clang could not compile the headers"));
        Assert.That(e.Message, Does.Contain($"Unsupported/syntax_error.h:{Fixtures.ExpectedErrorLine("syntax_error.h")}:"));
    }

    [Test]
    public void Every_error_of_a_header_is_reported_not_only_the_first()
    {
        using var temp = new TensorPool.Testing.TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "many.h"),
            "#include \"tensorpool/platform.h\"\n" +
            "TP_EXPORT int tp_a(bool x);\n" +
            "typedef union tp_u_un { int a; } tp_u_t;\n" +
            "int tp_b(void);\n");
        var e = Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Fixtures.Options(temp.Path, null, temp.Path)))!;
        Assert.That(e.Errors.Select(x => x.Line), Is.EqualTo(new[] { 2, 3, 4 }));
    }

    [Test]
    public void Missing_header_directory_or_filtered_header_is_an_error()
    {
        Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Fixtures.Options("/nonexistent/tp-headers", null)));
        var e = Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Fixtures.Options(Fixtures.UnsupportedDirectory, ["nope.h"])))!;
        Assert.That(e.Message, Does.Contain("nope.h"));
    }

    [Test]
    public void Every_unsupported_fixture_has_a_test_case()
    {
        var tested = typeof(UnsupportedConstructTests).GetMethod(nameof(Unsupported_construct_fails_naming_header_line_and_construct))!
            .GetCustomAttributes(typeof(TestCaseAttribute), false).Cast<TestCaseAttribute>()
            .Select(a => (string)a.Arguments[0]!)
            .Append("syntax_error.h");
        Assert.That(Directory.GetFiles(Fixtures.UnsupportedDirectory, "*.h").Select(Path.GetFileName), Is.EquivalentTo(tested));
    }
}
