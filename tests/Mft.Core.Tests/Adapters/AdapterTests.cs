using System.Text.Json.Nodes;
using Mft.Adapters;
using Mft.Checkpoints;
using Mft.Models;
using Mft.Training;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Tests.Adapters;

public sealed class AdapterTests
{
    public static TheoryData<string> Kinds => new() { "lora", "dora", "ia3" };

    private static readonly string Json = TinyModels.LlamaJson(attentionBias: true);

    private static Tensor Ids() => tensor(new long[,] { { 1, 5, 9, 33, 2, 17, 40 }, { 3, 3, 60, 12, 8, 0, 21 } });

    private static AdapterConfig Config(string kind) => new() { Kind = AdapterConfig.ParseKind(kind), Rank = 4, Alpha = 8 };

    /// <summary>Sets every adapter parameter to random values, as training would.</summary>
    private static void Perturb(CausalLM model, long seed = 7)
    {
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var (_, p) in ModelAdapters.PeftStateDict(model)) p.add_(randn_like(p) * 0.1);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_equal_the_base_model_exactly_when_adapters_are_freshly_initialised(string kind)
    {
        // Given
        using var model = TinyModels.Random(Json);
        using var baseLogits = model.Forward(Ids()).detach();
        // When
        ModelAdapters.Attach(model, Config(kind));
        model.eval();
        using var adapted = model.Forward(Ids()).detach();
        // Then
        Assert.True(adapted.equal(baseLogits).all().item<bool>(), $"{kind}: max diff {(adapted - baseLogits).abs().max().item<float>()}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_train_only_adapter_parameters(string kind)
    {
        using var model = TinyModels.Random(Json);
        int layers = ModelAdapters.Attach(model, Config(kind));
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.Equal(kind == "ia3" ? 2 * 3 : 2 * 7, layers);
        Assert.NotEmpty(trainable);
        Assert.All(trainable, n => Assert.True(ModelAdapters.IsAdapterParameter(n), n));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_give_the_adapter_models_logits_after_merging(string kind)
    {
        // Given a trained-looking adapter
        using var model = TinyModels.Random(Json);
        ModelAdapters.Attach(model, Config(kind));
        Perturb(model);
        model.eval();
        using var adapted = model.Forward(Ids()).detach();
        using var baseModel = TinyModels.Random(Json);
        using var baseLogits = baseModel.Forward(Ids()).detach();
        Assert.True((adapted - baseLogits).abs().max().item<float>() > 1e-3, "the perturbed adapter must change the output");
        // When
        ModelAdapters.Merge(model);
        using var merged = model.Forward(Ids()).detach();
        // Then
        Assert.False(ModelAdapters.HasAdapters(model));
        Assert.All(model.named_parameters(), p => Assert.False(ModelAdapters.IsAdapterParameter(p.name), p.name));
        Assert.True((merged - adapted).abs().max().item<float>() < 1e-5, $"{kind}: max diff {(merged - adapted).abs().max().item<float>()}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_merge_through_files_into_a_checkpoint_with_the_adapter_models_logits(string kind)
    {
        // Given a base model folder and an adapter saved beside it
        var baseDir = TempDir.Create("merge-base");
        using (var m = TinyModels.Random(Json)) ModelFactory.Save(m, baseDir);
        using var model = ModelFactory.FromPretrained(baseDir);
        ModelAdapters.Attach(model, Config(kind));
        Perturb(model);
        model.eval();
        using var adapted = model.Forward(Ids()).detach();
        var adapterDir = Path.Combine(TempDir.Create("merge-adapter"), "adapter");
        PeftAdapterFiles.Save(model, Config(kind), adapterDir);
        var merged = Path.Combine(TempDir.Create("merge-out"), "merged");
        // When
        AdapterMerge.Run(baseDir, adapterDir, merged, overwrite: false);
        // Then
        using var reloaded = ModelFactory.FromPretrained(merged);
        using var logits = reloaded.Forward(Ids()).detach();
        Assert.True((logits - adapted).abs().max().item<float>() < 1e-5, $"{kind}: max diff {(logits - adapted).abs().max().item<float>()}");
        Assert.Throws<MftException>(() => AdapterMerge.Run(baseDir, adapterDir, merged, overwrite: false));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_roundtrip_adapter_files_with_pefts_names_shapes_and_config_keys(string kind)
    {
        // Given
        using var model = TinyModels.Random(Json);
        ModelAdapters.Attach(model, Config(kind));
        Perturb(model);
        var dir = Path.Combine(TempDir.Create("peft"), "adapter");
        // When
        PeftAdapterFiles.Save(model, Config(kind), dir);
        using var other = TinyModels.Random(Json);
        var loaded = PeftAdapterFiles.Load(other, dir);
        // Then the tensors carry PEFT's keys and shapes (hidden 32, 4 heads of 8, 2 kv heads, MLP 44, r = 4)
        using var reader = new SafetensorsReader(Path.Combine(dir, PeftAdapterFiles.WeightsFile));
        const string q = "base_model.model.model.layers.0.self_attn.q_proj.";
        const string k = "base_model.model.model.layers.1.self_attn.k_proj.";
        const string down = "base_model.model.model.layers.0.mlp.down_proj.";
        long[] Shape(string key) => reader.Tensors[key].Shape;
        switch (kind)
        {
            case "lora" or "dora":
                Assert.Equal(new long[] { 4, 32 }, Shape(q + "lora_A.weight"));
                Assert.Equal(new long[] { 32, 4 }, Shape(q + "lora_B.weight"));
                Assert.Equal(new long[] { 4, 44 }, Shape(down + "lora_A.weight"));
                Assert.Equal(new long[] { 16, 4 }, Shape(k + "lora_B.weight"));
                Assert.Equal(2 * 7 * (kind == "dora" ? 3 : 2), reader.Tensors.Count);
                if (kind == "dora") Assert.Equal(new long[] { 16 }, Shape(k + "lora_magnitude_vector"));
                break;
            default:
                Assert.Equal(new long[] { 16, 1 }, Shape(k + "ia3_l"));
                Assert.Equal(new long[] { 1, 44 }, Shape(down + "ia3_l"));
                Assert.Equal(2 * 3, reader.Tensors.Count);
                break;
        }
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!;
        Assert.Equal(kind == "ia3" ? "IA3" : "LORA", config["peft_type"]!.GetValue<string>());
        Assert.Equal("CAUSAL_LM", config["task_type"]!.GetValue<string>());
        Assert.NotNull(config["target_modules"]);
        if (kind == "ia3") Assert.Equal("down_proj", config["feedforward_modules"]![0]!.GetValue<string>());
        else
        {
            Assert.Equal(4, config["r"]!.GetValue<int>());
            Assert.Equal(8.0, config["lora_alpha"]!.GetValue<double>());
            Assert.Equal(kind == "dora", config["use_dora"]!.GetValue<bool>());
        }
        Assert.Equal(Config(kind).Kind, loaded.Kind);
        var saved = ModelAdapters.PeftStateDict(model).ToDictionary(p => p.Key, p => p.Value);
        foreach (var (key, value) in ModelAdapters.PeftStateDict(other))
            Assert.True(value.equal(saved[key]).all().item<bool>(), key);
        model.eval(); other.eval();
        Assert.True(other.Forward(Ids()).equal(model.Forward(Ids())).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_give_the_base_models_output_as_mft_teacher_when_adapters_are_on(string kind)
    {
        // Given a student whose adapters have moved away from zero
        using var student = TinyModels.Random(Json);
        ModelAdapters.Attach(student, Config(kind) with { Dropout = 0.5 });
        Perturb(student);
        student.train();
        using var baseModel = TinyModels.Random(Json);
        using var expected = baseModel.Forward(Ids()).detach().reshape(-1, 61);
        // When
        using var scope = NewDisposeScope();
        using var teacher = new AdaptersOffTeacher(student);
        var logits = teacher.Run(Ids(), []).Logits(0, 14);
        // Then the teacher is the base model, and the student's adapters are back on afterwards
        Assert.True(logits.equal(expected).all().item<bool>(), $"max diff {(logits - expected).abs().max().item<float>()}");
        student.eval();
        Assert.True((student.Forward(Ids()).reshape(-1, 61) - expected).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Should_refuse_adapter_files_that_do_not_match_the_model()
    {
        using var model = TinyModels.Random(Json);
        ModelAdapters.Attach(model, Config("lora"));
        var dir = Path.Combine(TempDir.Create("peft-bad"), "adapter");
        PeftAdapterFiles.Save(model, Config("lora"), dir);
        using var bigger = TinyModels.Random(TinyModels.LlamaJson(attentionBias: true, hidden: 48));
        var e = Assert.Throws<MftException>(() => PeftAdapterFiles.Load(bigger, dir));
        Assert.Contains("adapter_model.safetensors", e.Message);
        Assert.Contains("shape", e.Message);
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), """{"peft_type": "PREFIX_TUNING", "target_modules": []}""");
        using var fresh = TinyModels.Random(Json);
        e = Assert.Throws<MftException>(() => PeftAdapterFiles.Load(fresh, dir));
        Assert.Contains("PREFIX_TUNING", e.Message);
    }
}
