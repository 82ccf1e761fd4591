using Mft.Adapters;
using Mft.Data;
using Mft.Models;
using Mft.Training;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

[Collection("autograd")]
public sealed class ActivationCheckpointTests
{
    public static TheoryData<string, string> Models() => new()
    {
        { "llama (GQA)", TinyModels.LlamaJson() },
        { "gemma3 (sliding layers, two RoPE bases)", TinyModels.Gemma3Json() },
        { "gpt2", TinyModels.Gpt2Json() },
    };

    /// <summary>Loss and every parameter gradient of a random batch, with the model's layers checkpointed or not.</summary>
    private static (double Loss, Dictionary<string, float[]> Gradients) LossAndGradients(string json, bool checkpoint, AdapterConfig? adapter)
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Random(json);
        if (adapter is not null) ModelAdapters.Attach(model, adapter, seed: 3);
        model.train();
        model.GradientCheckpointing = checkpoint;
        long before = Mft.Models.Layers.ActivationCheckpoint.Recomputations;
        var gen = new TorchSharp.torch.Generator(7);
        var ids = randint(0, model.Config.VocabSize, [2, 9], generator: gen);               // (B, T)
        var logits = model.Forward(ids[.., ..^1]);                                          // (B, T - 1, V)
        var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Config.VocabSize), ids[.., 1..].reshape(-1));
        loss.backward();
        // one recomputation per layer with checkpointing, none without (tests of other classes may run at the same time: at least)
        long recomputed = Mft.Models.Layers.ActivationCheckpoint.Recomputations - before;
        if (checkpoint) Assert.True(recomputed >= model.Config.NumLayers, $"{recomputed} recomputations for {model.Config.NumLayers} layers");
        var grads = model.named_parameters().Where(p => p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        return (loss.item<float>(), grads);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_give_the_same_gradients_as_keeping_activations(string name, string json)
    {
        // Given the same model and batch, trained with all weights
        var (lossPlain, plain) = LossAndGradients(json, checkpoint: false, adapter: null);
        // When its layers recompute their activations in backward
        var (lossCheckpointed, checkpointed) = LossAndGradients(json, checkpoint: true, adapter: null);
        // Then the loss and every parameter's gradient agree (autograd without checkpointing is the reference)
        Assert.Equal(lossPlain, lossCheckpointed, 6);
        Assert.Equal(plain.Keys.Order(), checkpointed.Keys.Order());
        foreach (var (key, g) in plain)
            Close(g, checkpointed[key], $"{name}: {key}");
    }

    [Fact]
    public void Should_reach_adapter_weights_when_the_embeddings_are_frozen()
    {
        // Only LoRA weights train: the first layer's input needs no gradient, yet its adapters must get theirs
        var lora = new AdapterConfig { Kind = AdapterKind.Lora, Rank = 4, Alpha = 8 };
        var (_, plain) = LossAndGradients(TinyModels.LlamaJson(), checkpoint: false, adapter: lora);
        var (_, checkpointed) = LossAndGradients(TinyModels.LlamaJson(), checkpoint: true, adapter: lora);
        Assert.Contains(plain.Keys, k => k.Contains("layers.0.") && k.Contains("lora_"));
        Assert.Equal(plain.Keys.Order(), checkpointed.Keys.Order());
        foreach (var (key, g) in plain)
        {
            Assert.True(g.Any(v => v != 0) || key.Contains("lora_A"), $"{key}: no gradient");
            Close(g, checkpointed[key], key);
        }
    }

    [Fact]
    public void Should_train_to_the_same_weights_with_gradient_checkpointing()
    {
        // Given the same model, rows and MFT settings (a frozen-copy teacher), trained 5 steps with and without checkpointing
        Dictionary<string, float[]> Train(bool checkpoint)
        {
            using var scope = NewDisposeScope();
            using var student = TinyModels.Random(TinyModels.LlamaJson());
            var rng = new Random(5);
            var rows = Enumerable.Range(0, 8).Select(_ => new TokenSequence(Enumerable.Range(0, 13).Select(_ => rng.Next(61)).ToArray(), [0, .. Enumerable.Repeat(1, 12)])).ToList();
            using var teacher = FrozenModelTeacher.CopyOf(student);
            var config = new TrainerConfig { Method = "mft", Tau = 0.2, MaxSteps = 5, BatchSize = 4, ContextLength = 12, LearningRate = 1e-2, WarmupSteps = 0, GradientCheckpointing = checkpoint };
            var outDir = TempDir.Create("checkpointing");
            new Trainer(config, student, teacher, rows, null, new Mft.Jobs.RunFolderRecord(outDir), "test").Run();
            return student.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        }
        var plain = Train(checkpoint: false);
        var checkpointed = Train(checkpoint: true);
        // Then every weight agrees after 5 AdamW steps
        foreach (var (key, w) in plain) Close(w, checkpointed[key], key);
    }

    /// <summary>Equal within 1e-5 of the largest magnitude (float32 recomputation may round differently in the last bits).</summary>
    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-6, expected.Max(Math.Abs));
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5 * scale, $"{what}: max difference {worst:E2} against max |g| {scale:E2}");
    }
}
