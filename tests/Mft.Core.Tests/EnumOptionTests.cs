using System.Text.Json;
using Mft.Data;
using Mft.Training;

namespace Mft.Tests;

public sealed class EnumOptionTests
{
    [Fact]
    public void Should_name_values_in_snake_case_and_read_them_back_in_any_case()
    {
        // Given enums of one and two words
        // Then names are what users type, and each reads back to its value
        Assert.Equal(["cosine", "linear", "constant"], EnumOption.Names<ScheduleKind>());
        Assert.Equal("blank_lines", EnumOption.Name(TextSplit.BlankLines));
        foreach (var v in Enum.GetValues<TextSplit>()) Assert.Equal(v, EnumOption.Parse<TextSplit>(EnumOption.Name(v), "key"));
        Assert.Equal(EvaluationSpacing.Quadratic, EnumOption.Parse<EvaluationSpacing>(" Quadratic", "key"));
    }

    [Fact]
    public void Should_reject_an_unknown_name_naming_the_key_and_the_choices()
    {
        var e = Assert.Throws<OptionException>(() => EnumOption.Parse<NonFiniteAction>("ignore", "on_nonfinite"));
        Assert.Equal("on_nonfinite: 'ignore' is unknown (expected stop, skip)", e.Message);
        Assert.Throws<OptionException>(() => EnumOption.Parse<NonFiniteAction>("0", "on_nonfinite"));   // numbers are not names
    }

    [Fact]
    public void Should_write_enums_in_json_by_the_same_names()
    {
        var json = JsonSerializer.Serialize(new TrainerConfig { Packing = Packing.Pad, EvaluationSpacing = EvaluationSpacing.Quadratic },
            new JsonSerializerOptions { Converters = { EnumOption.JsonConverter } });
        var trainer = JsonDocument.Parse(json).RootElement;
        Assert.Equal("pad", trainer.GetProperty("Packing").GetString());
        Assert.Equal("quadratic", trainer.GetProperty("EvaluationSpacing").GetString());
        Assert.Equal("cosine", trainer.GetProperty("Schedule").GetString());
    }
}
