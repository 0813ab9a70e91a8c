using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Tests;

/// <summary>The generator's schema reader: what it resolves, and the schemas it refuses (each refusal is build error TPSBE001).</summary>
public class SchemaParserTests
{
    private const string Types = """
        <types>
          <composite name="messageHeader">
            <type name="blockLength" primitiveType="uint16"/><type name="templateId" primitiveType="uint16"/>
            <type name="schemaId" primitiveType="uint16"/><type name="version" primitiveType="uint16"/>
          </composite>
          <composite name="groupSizeEncoding"><type name="blockLength" primitiveType="uint16"/><type name="numInGroup" primitiveType="uint16"/></composite>
          <composite name="varAscii"><type name="length" primitiveType="uint32" maxValue="100"/><type name="varData" primitiveType="uint8" length="0" characterEncoding="US-ASCII"/></composite>
          <composite name="point"><type name="x" primitiveType="int32"/><type name="y" primitiveType="int32"/></composite>
          <enum name="E" encodingType="uint8"><validValue name="A">1</validValue></enum>
        </types>
        """;

    private static SbeSchema Parse(string messages, string header = "id=\"5\" version=\"1\"") =>
        SchemaParser.Parse($"<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" {header}>{Types}{messages}</sbe:messageSchema>", "x-schema.xml");

    [Test]
    public void Offsets_block_lengths_and_sections_are_resolved()
    {
        SbeSchema s = Parse("""
            <sbe:message name="M" id="1">
              <field name="a" id="1" type="uint8"/>
              <field name="b" id="2" type="uint64" offset="4"/>
              <field name="pad" id="3" type="uint8" length="3"/>
              <group name="g" id="4"><field name="t" id="1" type="varAscii"/></group>
              <data name="d" id="5" type="varAscii"/>
            </sbe:message>
            """);
        Container m = s.Messages.Single();
        Assert.That(m.Fields.Select(f => f.Offset), Is.EqualTo(new[] { 0, 4, 12 }));
        Assert.That(m.BlockLength, Is.EqualTo(15));
        Assert.That(m.Sections.Select(x => x.Name), Is.EqualTo(new[] { "g", "d" }));
        Container g = m.Sections[0].Group!;
        Assert.That(g.BlockLength, Is.Zero, "a var-data <field> is encoded like <data>");
        Assert.That(g.Sections.Single().Var!.DeclaredAsField, Is.True);
        Assert.That(m.Sections[1].Var!.MaxLength, Is.EqualTo(100u));
    }

    [TestCase("wire-schema.xml", "Wire")]
    [TestCase("join-barrier-schema.xml", "JoinBarrier")]
    [TestCase("trace_link-schema.xml", "TraceLink")]
    [TestCase("/abs/dir/discovery-schema.xml", "Discovery")]
    public void Namespace_comes_from_the_file_name(string file, string expected) =>
        Assert.That(SchemaParser.NameFromFile(file), Is.EqualTo(expected));

    [TestCase("<sbe:message name=\"M\" id=\"1\"><field name=\"a\" id=\"1\" type=\"nope\"/></sbe:message>", "is not declared")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"/><sbe:message name=\"N\" id=\"1\"/>", "used twice")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><data name=\"d\" id=\"1\" type=\"varAscii\"/><field name=\"a\" id=\"2\" type=\"uint8\"/></sbe:message>", "before groups and data")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><field name=\"a\" id=\"1\" type=\"uint32\"/><field name=\"b\" id=\"2\" type=\"uint8\" offset=\"2\"/></sbe:message>", "overlaps")]
    [TestCase("<sbe:message name=\"M\" id=\"1\" blockLength=\"3\"><field name=\"a\" id=\"1\" type=\"uint32\"/></sbe:message>", "smaller than its fields")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><field name=\"a\" id=\"1\" type=\"point\"/></sbe:message>", "composite field types")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><field name=\"a\" id=\"1\" type=\"uint8\"/><field name=\"a\" id=\"2\" type=\"uint8\"/></sbe:message>", "declared twice")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><field name=\"a\" id=\"1\" type=\"uint8\" presence=\"optional\" nullValue=\"300\"/></sbe:message>", "not a valid uint8")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><data name=\"d\" id=\"1\" type=\"E\"/></sbe:message>", "not a var-data composite")]
    [TestCase("<sbe:message name=\"M\" id=\"1\"><group name=\"g\" id=\"1\"><group name=\"h\" id=\"1\"><group name=\"i\" id=\"1\"><group name=\"j\" id=\"1\"><group name=\"k\" id=\"1\"/></group></group></group></group></sbe:message>", "nest deeper")]
    [TestCase("", "no messages")]
    public void Unusable_schemas_are_refused_with_the_reason(string messages, string reason)
    {
        var e = Assert.Throws<SchemaException>(() => Parse(messages));
        Assert.That(e!.Message, Does.Contain(reason));
    }

    [Test]
    public void Big_endian_and_malformed_xml_and_dtds_are_refused()
    {
        Assert.That(Assert.Throws<SchemaException>(() => Parse("<sbe:message name=\"M\" id=\"1\"/>", "id=\"5\" byteOrder=\"bigEndian\""))!.Message,
            Does.Contain("little-endian only"));
        Assert.That(Assert.Throws<SchemaException>(() => SchemaParser.Parse("<messageSchema", "x.xml"))!.Message, Does.Contain("not well-formed"));
        const string Xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><messageSchema id=\"1\">&e;</messageSchema>";
        Assert.Throws<SchemaException>(() => SchemaParser.Parse(Xxe, "x.xml"));
        Assert.That(SchemaParser.IsSchemaDocument(Xxe), Is.False);
        Assert.That(SchemaParser.IsSchemaDocument("<project/>"), Is.False);
    }
}
