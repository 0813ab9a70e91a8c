using TensorPool.Driver.Protocol;
using TensorPool.Sbe;
using TensorPool.Sbe.Driver;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>
/// Diagnostics reach clients readable (D179): the schema's errorMessage is US-ASCII, and the "§" of every rule
/// reference used to arrive as "?".
/// </summary>
public sealed class ErrorMessageTextTests
{
    [Test]
    public void Section_sign_is_spelt_out_and_other_non_ascii_becomes_a_question_mark_4_2()
    {
        var messages = new DriverMessages(64 * 1024);
        byte[] bytes = messages.AttachError(7, ResponseCode.Rejected, "stream is busy (driver spec §4.4) — é").ToArray();
        Assert.That(ShmAttachResponseDecoder.TryWrap(bytes, out ShmAttachResponseDecoder d, out SbeRejectReason why), Is.True, why.ToString());
        Assert.That(d.GetErrorMessageString(), Is.EqualTo("stream is busy (driver spec section 4.4) ? ?"));
    }

    [Test]
    public void A_long_text_is_cut_at_the_limit_whole_4_2()
    {
        var messages = new DriverMessages(64 * 1024);
        string text = new string('x', DriverMessages.MaxErrorMessageBytes - 3) + "§1";
        byte[] bytes = messages.AttachError(7, ResponseCode.Rejected, text).ToArray();
        Assert.That(ShmAttachResponseDecoder.TryWrap(bytes, out ShmAttachResponseDecoder d, out _), Is.True);
        Assert.That(d.GetErrorMessageString(), Is.EqualTo(new string('x', DriverMessages.MaxErrorMessageBytes - 3)));
    }
}
