namespace Mft.Tests;

public sealed class OptionExceptionTests
{
    [Fact]
    public void Should_spell_the_option_and_the_options_it_mentions_as_keys_or_as_flags()
    {
        // Given an error about one option that mentions two others
        var e = new OptionException("max_degeneralization", "chooses among evaluated steps: give {eval_every} or {evaluations}");
        // Then the message names keys, as config files write them, and AsFlags the command line's flags
        Assert.Equal("max_degeneralization: chooses among evaluated steps: give eval_every or evaluations", e.Message);
        Assert.Equal("--max-degeneralization: chooses among evaluated steps: give --eval-every or --evaluations", e.AsFlags);
        Assert.Equal("max_degeneralization", e.Key);
        Assert.IsAssignableFrom<MftException>(e);
    }

    [Fact]
    public void Should_leave_text_that_is_not_a_key_reference_alone()
    {
        var e = new OptionException("lr", "must be positive, got {x: 1} and {Upper}");
        Assert.Equal("--lr: must be positive, got {x: 1} and {Upper}", e.AsFlags);
    }
}
