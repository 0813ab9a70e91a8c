using TensorPool.BindingsGen;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>The C → C# naming rules of docs/CONTRIBUTING.md, "Bindings".</summary>
public class NamingTests
{
    [TestCase("tp_slot_header_t", "TpSlotHeader")]
    [TestCase("tp_region_stct", "TpRegion")]
    [TestCase("tp_error_en", "TpError")]
    [TestCase("tp_tag_only", "TpTagOnly")]
    [TestCase("foo_t", "TpFoo")]
    [TestCase("tp_u8x4_t", "TpU8x4")]
    public void Type_names_drop_tp_and_the_suffix_and_take_the_Tp_prefix(string c, string cs) =>
        Assert.That(Naming.TypeName(c), Is.EqualTo(cs));

    [TestCase("seq_commit", "SeqCommit")]
    [TestCase("values_len_bytes", "ValuesLenBytes")]
    [TestCase("nslots", "Nslots")]
    [TestCase("reserved0", "Reserved0")]
    [TestCase("camelCase_part", "CamelCasePart")]
    [TestCase("_leading", "Leading")]
    public void Field_names_are_pascal_case(string c, string cs) => Assert.That(Naming.FieldName(c), Is.EqualTo(cs));

    [TestCase("TP_SUPERBLOCK_SIZE", "SuperblockSize")]
    [TestCase("TP_ERR_IO", "ErrIo")]
    [TestCase("TP_8BIT", "Tp8bit")]
    public void Constant_names_drop_TP(string c, string cs) => Assert.That(Naming.ConstantName(c), Is.EqualTo(cs));

    [TestCase("out_region", "outRegion")]
    [TestCase("base", "@base")]
    [TestCase("string", "@string")]
    [TestCase("out", "@out")]
    [TestCase("capacity", "capacity")]
    public void Parameter_names_are_camel_case_with_keywords_escaped(string c, string cs) =>
        Assert.That(Naming.ParameterName(c), Is.EqualTo(cs));

    [Test]
    public void Enum_members_drop_at_most_the_prefix_of_the_enum_name()
    {
        Assert.That(Naming.EnumMemberNames("tp_region_access_t", ["TP_REGION_ACCESS_READ_ONLY", "TP_REGION_ACCESS_READ_WRITE"]),
            Is.EqualTo(new[] { "ReadOnly", "ReadWrite" }));
        Assert.That(Naming.EnumMemberNames("tp_frame_status_t", ["TP_FRAME_OK", "TP_FRAME_DROP_CHANGED", "TP_FRAME_STATUS_COUNT"]),
            Is.EqualTo(new[] { "Ok", "DropChanged", "StatusCount" }));
        Assert.That(Naming.EnumMemberNames("tp_error_t", ["TP_OK", "TP_ERR_IO"]), Is.EqualTo(new[] { "Ok", "ErrIo" }));
        Assert.That(Naming.EnumMemberNames("tp_superblock_magic_en", ["TP_SUPERBLOCK_MAGIC"]), Is.EqualTo(new[] { "Magic" }));
        Assert.That(Naming.EnumMemberNames("tp_depth_t", ["TP_DEPTH_8BIT", "TP_DEPTH_16BIT"]), Is.EqualTo(new[] { "Depth8bit", "Depth16bit" }));
        Assert.That(Naming.EnumMemberNames("tp_color_t", ["COLOR_RED", "COLOR_BLUE"]), Is.EqualTo(new[] { "ColorRed", "ColorBlue" }));
    }

    [Test]
    public void Header_names_give_the_file_stem_and_the_constants_class()
    {
        Assert.That(Naming.HeaderStem("slot_header.h"), Is.EqualTo("SlotHeader"));
        Assert.That(Naming.ConstantsClass("superblock.h"), Is.EqualTo("TpSuperblockConstants"));
    }
}
