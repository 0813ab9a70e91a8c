namespace TensorPool.Sbe.Tests;

/// <summary>What the C# fuzz harness (tests/TensorPool.Fuzz) found, kept as tests; its inputs stay in its regressions folder too.</summary>
public class FuzzFindingTests
{
    /// <summary>
    /// A lone surrogate escape in a key made System.Text.Json throw InvalidOperationException out of
    /// <c>SbeJsonCodec.Encode</c>, so `tp encode` crashed instead of naming the bad input.
    /// </summary>
    [TestCase("{\"schemaId\": 900, \"templateId\": 7, \"fields\": {}, \"\\ud800version\": 1}")]
    [TestCase("{\"schemaId\": 900, \"templateId\": 7, \"fields\": {\"name\": \"\\udc00\"}}")]
    [TestCase("{\"\\ud800\": 1}")]
    public void Lone_surrogate_in_json_is_refused_as_bad_input_not_a_crash(string json)
    {
        var e = Assert.Throws<SbeJsonException>(() => SbeJsonCodec.Encode(json))!;
        Assert.That(e.Message, Is.Not.Empty);
    }
}
