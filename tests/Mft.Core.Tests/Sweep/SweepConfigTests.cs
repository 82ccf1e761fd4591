using Mft.Sweep;

namespace Mft.Tests.Sweep;

public sealed class SweepConfigTests
{
    [Theory]
    [InlineData("methods:\n  - {name: ft, method: ft, replay: 0.25}\n", "sweep.yaml: line 2: unknown key 'replay' in a method")]
    [InlineData("lr: 0.001\nlearning_rate: 1\n", "sweep.yaml: line 2: unknown key 'learning_rate' in the sweep")]
    public void Should_name_an_unknown_key_and_its_line(string yaml, string expected) =>
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
        Assert.Equal(7, keys.Count);
        Assert.All(keys, key => Assert.True(train.Find(key) is not null, $"a sweep method's key '{key}' is not an option of mft train"));
    }
}
