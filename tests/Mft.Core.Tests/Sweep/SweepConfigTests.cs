using Mft.Sweep;

namespace Mft.Tests.Sweep;

public sealed class SweepConfigTests
{
    [Theory]
    [InlineData("methods:\n  - {name: ft, method: ft, replay: 0.25}\n", "sweep.yaml: line 2: unknown key 'replay' in a method")]
    [InlineData("lr: 0.001\nlearning_rate: 1\n", "sweep.yaml: line 2: unknown key 'learning_rate' in the sweep")]
    public void Should_name_an_unknown_key_and_its_line(string yaml, string expected) =>
        Assert.Equal(expected, Assert.Throws<MftException>(() => SweepConfig.Parse(yaml, "sweep.yaml")).Message);

    [Theory]
    [InlineData("steps: abc\n", "sweep.yaml: line 1, key 'steps': 'abc' is not a number")]
    [InlineData("seeds: [0]\ndomains: bible\n", "sweep.yaml: line 2, key 'domains': expected a list ([a, b])")]
    [InlineData("domains: [[bible]]\n", "sweep.yaml: line 1, key 'domains': expected a single value, not a list or a mapping")]
    [InlineData("methods:\n  - {name: m, tau: x}\n", "sweep.yaml: line 2: 'x' is not a number")]
    public void Should_name_the_line_key_and_expected_value_of_a_mistyped_value(string yaml, string expected) =>
        Assert.Equal(expected, Assert.Throws<MftException>(() => SweepConfig.Parse(yaml, "sweep.yaml")).Message);

    [Fact]
    public void Should_read_a_methods_keys_as_mft_train_spells_them()
    {
        var method = SweepConfig.Parse("methods:\n  - {name: m, method: mft, tau: 0.1, adapter: lora, lora_rank: 4, lora_alpha: 8, replay_fraction: 0.25, lr: 0.003}\n", "s").Methods.Single();
        Assert.Equal((0.1, "lora", 4, 8.0, 0.25, 0.003), (method.Tau!.Value, method.Adapter!, method.LoraRank, method.LoraAlpha, method.ReplayFraction, method.Lr!.Value));
        // and every key a method reads, but the sweep's own (name, lrs), is an option of mft train
        var train = OptionSchema.Of<Mft.Jobs.FinetuneJobConfig>();
        var keys = typeof(SweepMethod).GetProperties()
            .Where(p => p.CanWrite && p.GetCustomAttributes(typeof(YamlDotNet.Serialization.YamlIgnoreAttribute), false).Length == 0 && p.Name is not ("Name" or "Lrs"))
            .Select(p => YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance.Apply(p.Name)).ToList();
        Assert.Equal(8, keys.Count);
        Assert.True(keys.Remove("options"));   // the other train keys a method may set, checked by key when the sweep is validated
        Assert.All(keys, key => Assert.True(train.Find(key) is not null, $"a sweep method's key '{key}' is not an option of mft train"));
        Assert.Equal(keys.Order(), SweepMethod.OwnKeys.Order());   // and the list validation refuses in options: is those keys
    }

    [Theory]
    [InlineData("{learning_rat: 1}", "method m: options: 'learning_rat' is not an option of mft train")]
    [InlineData("{seed: 3}", "method m: options: seed is set by the sweep for every method alike (a method may change adam_beta1,")]
    [InlineData("{context: 64}", "method m: options: context is set by the sweep")]
    [InlineData("{tau: 0.3}", "method m: options: tau is a key of the method itself: give it beside name")]
    [InlineData("{temperature: 0}", "method m: options: temperature: must be positive, got 0")]
    [InlineData("{lora_dropout: 0.1}", "method m: options: lora_dropout: needs adapter")]
    [InlineData("{schedule: cosin}", "method m: options: schedule: 'cosin' is unknown (expected cosine, linear, constant)")]
    public void Should_refuse_method_options_that_are_not_a_methods_to_change_or_not_valid(string options, string expected)
    {
        var config = SweepConfig.Parse($"data: {TinyCorpus.DataFolder()}\ndomains: [cats]\nmethods:\n  - {{name: m, method: mft, tau: 0.1, options: {options}}}\n", "s.yaml");
        Assert.Contains("s.yaml: " + expected, Assert.Throws<MftException>(() => config.Validate("s.yaml")).Message);
    }

    [Fact]
    public void Should_copy_a_record_when_it_applies_options_to_it()
    {
        var job = new Mft.Jobs.FinetuneJobConfig { ModelDirectory = "m", DataPath = "d", OutputDirectory = "o", Trainer = new() { Temperature = 1 } };
        var changed = OptionSchema.Of<Mft.Jobs.FinetuneJobConfig>().Apply(job, new Dictionary<string, string> { ["temperature"] = "2", ["lora_rank"] = "4", ["adapter"] = "lora" });
        Assert.Equal((1.0, (Mft.Adapters.AdapterConfig?)null), (job.Trainer.Temperature, job.Adapter));
        Assert.Equal((2.0, 4, "m"), (changed.Trainer.Temperature, changed.Adapter!.Rank, changed.ModelDirectory));
    }
}
