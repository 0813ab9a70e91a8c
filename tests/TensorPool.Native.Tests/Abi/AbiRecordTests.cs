namespace TensorPool.Native.Tests.Abi;

public class AbiRecordTests
{
    [Test]
    public void Parses_every_line_kind_of_the_probe()
    {
        List<AbiRecord> records = AbiRecord.Parse("struct tp_x_t 16\nfield tp_x_t a 8\nenum tp_e_t TP_A -1\nconst TP_C 64\n\n");
        Assert.That(records, Is.EqualTo(new[]
        {
            new AbiRecord("struct", "tp_x_t", "", "16"),
            new AbiRecord("field", "tp_x_t", "a", "8"),
            new AbiRecord("enum", "tp_e_t", "TP_A", "-1"),
            new AbiRecord("const", "", "TP_C", "64"),
        }));
    }

    [TestCase("struct tp_x_t")]
    [TestCase("field tp_x_t a")]
    [TestCase("bogus 1 2")]
    public void Rejects_a_malformed_line(string line)
    {
        Assert.Throws<FormatException>(() => AbiRecord.Parse(line));
    }
}
