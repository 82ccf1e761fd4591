using Mft.Tests.Packaging;

namespace Mft.Tests.Jobs;

/// <summary>
/// <c>mft pretrain --seed</c> is the seed of the initial weights (and of the row order): the same seed gives the same
/// model, in one process and in two, and another seed another model. Until 2026-12-06 the initial weights were drawn
/// from libtorch's process-wide generator, and two runs of the same command wrote different models.
/// </summary>
public sealed class PretrainSeedTests : IDisposable
{
    private readonly TinyPretraining _tiny = new();

    public void Dispose() => _tiny.Dispose();

    private byte[] Weights(string name) => File.ReadAllBytes(Path.Combine(_tiny.Out(name), "model.safetensors"));

    [Fact]
    public void Should_give_the_same_model_for_the_same_seed_and_another_for_another()
    {
        // Given three pretrainings in one process, the first two with seed 0 and a random draw between them
        TinyPretraining.Run(_tiny.Config("a"));
        TorchSharp.torch.randn(1000).Dispose();
        TinyPretraining.Run(_tiny.Config("b"));
        TinyPretraining.Run(_tiny.Config("c", seed: 1));
        // Then the same seed wrote the same weights, byte for byte, and another seed others
        Assert.Equal(Weights("a"), Weights("b"));
        Assert.NotEqual(Weights("a"), Weights("c"));
    }

    [Fact]
    public void Should_give_the_same_model_in_two_fresh_mft_processes()
    {
        var mft = Path.Combine(AppContext.BaseDirectory, "mft.dll");
        foreach (var name in new[] { "p", "q" })
        {
            var c = _tiny.Config(name);
            var r = ExternalProcess.Run("dotnet", [mft, "pretrain", "--tokenizer", c.TokenizerDirectory, "--out", c.OutputDirectory, "--data", c.DataPath,
                "--test", c.TestPath, "--hidden", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--mlp", "128", "--context", "64",
                "--batch-size", "2", "--max-steps", "1", "--threads", "1"], Path.GetTempPath(), TimeSpan.FromMinutes(2));
            Assert.True(r.ExitCode == 0, r.Error);
        }
        Assert.Equal(Weights("p"), Weights("q"));
    }
}
