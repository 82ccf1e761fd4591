using System.Globalization;
using System.Text.Json;
using Mft.Adapters;
using Mft.Data;
using Mft.Jobs;
using Mft.Training;
using YamlDotNet.RepresentationModel;

namespace Mft.Tests;

public sealed class OptionSchemaTests
{
    private static readonly OptionSchema Job = OptionSchema.Of<FinetuneJobConfig>();

    /// <summary>A value of the option's type that is not its default (and valid text for it).</summary>
    private static string OffDefault(OptionSpec option, string? current)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type == typeof(bool)) return current == "true" ? "false" : "true";
        if (type == typeof(int)) return (int.Parse(current ?? "0", CultureInfo.InvariantCulture) + 3).ToString(CultureInfo.InvariantCulture);
        if (type == typeof(double)) return (double.Parse(current ?? "0", CultureInfo.InvariantCulture) * 0.5 + 0.0625).ToString("R", CultureInfo.InvariantCulture);
        if (type.IsEnum) return Enum.GetValues(type).Cast<Enum>().Select(EnumOption.Name).First(n => n != current);
        if (type == typeof(string)) return $"it's {option.Key}.txt";
        return "q_proj,v_proj";
    }

    private static Dictionary<string, string> YamlMapping(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ((YamlMappingNode)stream.Documents[0].RootNode).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);
    }

    [Fact]
    public void Should_bind_every_option_off_its_default_and_read_its_yaml_back_to_the_same_record()
    {
        // Given every option of the job given a value that is not its default (the adapter's options with it)
        var values = Job.Options.ToDictionary(o => o.Key, o => OffDefault(o, Job.DefaultOf(o)));
        // When it is bound, written as YAML (by YamlDotNet's reading, an independent parser) and bound again
        var first = Job.Bind<FinetuneJobConfig>(values);
        var again = Job.Bind<FinetuneJobConfig>(YamlMapping(Job.ToYaml(first)));
        // Then each option holds the value given, off its default, and the two records are one
        foreach (var o in Job.Options)
        {
            Assert.Equal(values[o.Key], OptionSchema.Format(o, first));
            Assert.NotEqual(Job.DefaultOf(o), OptionSchema.Format(o, first));
        }
        var json = new JsonSerializerOptions { Converters = { EnumOption.JsonConverter } };
        Assert.Equal(JsonSerializer.Serialize(first, json), JsonSerializer.Serialize(again, json));
    }

    [Fact]
    public void Should_put_each_key_in_the_property_the_library_reads()
    {
        var job = Job.Bind<FinetuneJobConfig>(new Dictionary<string, string>
        {
            ["lr"] = "3e-4", ["grad_accum"] = "4", ["context"] = "64", ["patience"] = "2", ["clip"] = "0.5", ["lines"] = "true",
            ["model"] = "m", ["replay_data"] = "r.txt", ["adapter"] = "dora", ["lora_rank"] = "4", ["target_modules"] = "q_proj, v_proj",
            ["schedule"] = "linear", ["adam_beta2"] = "0.999",
        });
        Assert.Equal(3e-4, job.Trainer.LearningRate);
        Assert.Equal(4, job.Trainer.GradientAccumulation);
        Assert.Equal(64, job.Trainer.ContextLength);
        Assert.Equal(2, job.Trainer.EarlyStoppingPatience);
        Assert.Equal(0.5, job.Trainer.ClipNorm);
        Assert.Equal(ScheduleKind.Linear, job.Trainer.Schedule);
        Assert.Equal(0.999, job.Trainer.Beta2);
        Assert.Equal(TextSplit.Lines, job.TextSplit);
        Assert.Equal("m", job.ModelDirectory);
        Assert.Equal("r.txt", job.ReplayPath);
        Assert.Equal(AdapterKind.Dora, job.Adapter!.Kind);
        Assert.Equal(4, job.Adapter.Rank);
        Assert.Equal(["q_proj", "v_proj"], job.Adapter.TargetModules!);
        Assert.Equal(16, job.Adapter.Alpha);   // not given: the adapter record's own default
    }

    [Fact]
    public void Should_default_to_the_records_own_initial_values()
    {
        var trainer = new TrainerConfig();
        Assert.Equal(trainer.LearningRate.ToString("R", CultureInfo.InvariantCulture), Job.DefaultOf(Job.Find("lr")!));
        Assert.Equal("cosine", Job.DefaultOf(Job.Find("schedule")!));
        Assert.Equal("8", Job.DefaultOf(Job.Find("lora_rank")!));   // from the adapter record, though no adapter is the default
        Assert.Null(Job.DefaultOf(Job.Find("adapter")!));
        Assert.Null(Job.DefaultOf(Job.Find("max_samples")!));
        Assert.Null(Job.Bind<FinetuneJobConfig>(new Dictionary<string, string>()).Adapter);
    }

    [Theory]
    [InlineData("batch_size", "eight", "batch_size: must be a whole number, got 'eight'")]
    [InlineData("lr", "fast", "lr: must be a number, got 'fast'")]
    [InlineData("keep_best", "maybe", "keep_best: must be true or false, got 'maybe'")]
    [InlineData("packing", "stack", "packing: 'stack' is unknown (expected pack, pad)")]
    [InlineData("adapter", "qlora", "adapter: 'qlora' is unknown (expected lora, dora, ia3)")]
    [InlineData("lora_rank", "4", "lora_rank: needs adapter")]
    [InlineData("learning_rate", "1", "learning_rate: is not an option")]
    public void Should_name_the_key_of_a_value_it_cannot_bind(string key, string value, string expected)
    {
        var e = Assert.Throws<OptionException>(() => Job.Bind(new Dictionary<string, string> { [key] = value }));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Should_give_every_option_a_snake_case_key_and_help()
    {
        foreach (var o in Job.Options)
        {
            Assert.Matches("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", o.Key);
            Assert.False(string.IsNullOrWhiteSpace(o.Help), $"{o.Key} has no help");
        }
    }

    private sealed record Twice
    {
        [Option("seed")] public int A { get; init; }
        [OptionGroup] public TrainerConfig Trainer { get; init; } = null!;
    }

    [Fact]
    public void Should_refuse_a_record_that_declares_a_key_twice() =>
        Assert.Contains("'seed' is declared twice", Assert.Throws<InvalidOperationException>(() => OptionSchema.Of<Twice>()).Message);
}
