using Mft.Tokenization;

namespace Mft.Tests.Tokenization;

public sealed class SpecialTokensTests
{
    [Theory]
    // bos, eos, add_bos, add_eos, training sample → leading bos, trailing eos
    [InlineData(1, 2, true, false, false, 1, null)]       // Llama: evaluation text gets bos only
    [InlineData(1, 2, true, false, true, 1, 2)]           // Llama: a training sample also learns to stop
    [InlineData(4095, 4095, true, false, true, 4095, null)] // one end-of-text token as bos and eos: it already separates packed samples
    [InlineData(4095, 4095, true, false, false, 4095, null)]
    [InlineData(null, 151645, false, false, true, null, 151645)] // Qwen: no bos; training samples end in eos
    [InlineData(null, 151645, false, false, false, null, null)]
    [InlineData(0, 1, false, true, false, null, 1)]      // a tokenizer config that adds eos to all text
    [InlineData(null, null, false, true, true, null, null)] // asked for, but there is no eos token
    public void Should_add_bos_and_eos_as_the_tokenizer_config_and_the_sample_kind_say(int? bos, int? eos, bool addBos, bool addEos, bool training,
        int? leading, int? trailing)
    {
        // Given a tokenizer's special tokens
        var special = new SpecialTokens(bos, eos, null, addBos, addEos);
        // Then the tokens around a text are the ones in the table
        Assert.Equal(leading, special.LeadingBos);
        Assert.Equal(trailing, special.TrailingEos(training));
    }
}
