using System.Text.Json.Nodes;
using Mft.Adapters;
using Mft.Generation;
using Mft.Models;
using Mft.Training;
using Mft.Jobs;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

/// <summary>What every architecture must do, for Qwen3 and Gemma 3: load what it saves, cache keys and values, train.</summary>
public sealed class Qwen3Gemma3ModelTests
{
    public static TheoryData<string> Families => new() { "qwen3", "gemma3" };

    /// <summary>Configs whose sliding windows (4) are shorter than the sequences used below.</summary>
    private static string Json(string family, int vocab = 61) => family == "qwen3"
        ? TinyModels.Qwen3Json(slidingWindow: 4, maxWindowLayers: 1, vocab: vocab)
        : TinyModels.Gemma3Json(vocab: vocab);

    private static Tensor Ids(params long[] ids) => tensor(ids).unsqueeze(0);

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_give_identical_logits_after_saving_and_loading_in_hugging_face_format(string family)
    {
        // Given
        using var model = TinyModels.Random(Json(family));
        var dir = Path.Combine(TempDir.Create($"save-{family}"), "model");
        // When
        ModelFactory.Save(model, dir);
        using var loaded = ModelFactory.FromPretrained(dir);
        // Then the logits are bit-identical and config.json keeps every field of the source
        using var _ = no_grad();
        var ids = Ids(1, 5, 17, 3, 60, 8, 8, 42, 0, 9);
        Assert.True(loaded.Forward(ids).equal(model.Forward(ids)).all().item<bool>());
        var saved = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        var source = (JsonObject)JsonNode.Parse(Json(family))!;
        foreach (var (key, value) in source)
            if (key != "architectures") Assert.True(JsonNode.DeepEquals(value, saved[key]), $"{key}: {value?.ToJsonString()} -> {saved[key]?.ToJsonString()}");
        Assert.Equal(family == "qwen3" ? "Qwen3ForCausalLM" : "Gemma3ForCausalLM", saved["architectures"]![0]!.GetValue<string>());
        Assert.Equivalent(model.Config with { Raw = new JsonObject(), SourcePath = "" }, loaded.Config with { Raw = new JsonObject(), SourcePath = "" });
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_give_the_same_logits_when_fed_through_the_kv_cache_in_chunks(string family)
    {
        // Given 11 tokens fed as 6, then 1, then 4: chunks that start inside and past the window
        using var model = TinyModels.Random(Json(family));
        long[] ids = [1, 5, 17, 3, 60, 8, 8, 42, 0, 9, 33];
        using var _ = no_grad();
        var full = model.Forward(Ids(ids));                                            // (1, 11, V)
        // When
        using var cache = model.NewCache();
        var parts = new[] { ids[..6], ids[6..7], ids[7..] }.Select(p => model.Forward(Ids(p), cache)).ToArray();
        var chunked = cat(parts, 1);                                                    // (1, 11, V)
        // Then
        Assert.Equal(11, cache.Length);
        float diff = (chunked - full).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"{family}: max diff {diff}");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_generate_the_same_tokens_greedily_with_and_without_kv_cache(string family)
    {
        // Given
        using var model = TinyModels.Random(Json(family));
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 0, Seed = 7, StopAtEos = false };
        int[] prompt = [1, 4, 9, 16];
        // When
        var cached = TextGenerator.Generate(model, prompt, options with { UseKvCache = true });
        var uncached = TextGenerator.Generate(model, prompt, options with { UseKvCache = false });
        // Then
        Assert.Equal(20, cached.Count);
        Assert.Equal(uncached, cached);
        Assert.True(cached.Distinct().Count() > 1, "a constant output would not exercise the cache");
    }

    public static TheoryData<string, string> TrainingCases() => new()
    {
        { "qwen3", "ft" }, { "qwen3", "mft" }, { "qwen3", "lora" },
        { "gemma3", "ft" }, { "gemma3", "mft" }, { "gemma3", "lora" },
    };

    [Theory]
    [MemberData(nameof(TrainingCases))]
    public void Should_lower_the_domain_loss_in_a_few_steps(string family, string method)
    {
        // Given a byte-level tokenizer and the family's tiny model
        var modelDir = TinyCorpus.ModelDirectory(modelJson: Json(family, vocab: 257));
        var outDir = Path.Combine(TempDir.Create($"train-{family}-{method}"), "out");
        var config = new FinetuneJobConfig
        {
            ModelDirectory = modelDir, DataPath = TinyCorpus.DomainFile(), GeneralPath = TinyCorpus.GeneralFile(), OutputDirectory = outDir,
            Trainer = new TrainerConfig
            {
                Method = method == "lora" ? "mft" : method, Tau = 0.3, MaxSteps = 12, LearningRate = method == "lora" ? 1e-2 : 3e-3,
                WarmupSteps = 2, BatchSize = 4, ContextLength = 32, EvalEvery = 6, Seed = 3, LossChunkTokens = 40,
            },
            Adapter = method == "lora" ? new AdapterConfig { Kind = AdapterKind.Lora, Rank = 4, Alpha = 8 } : null,
        };
        // When
        var result = new FinetuneJob(config).Run();
        // Then the domain perplexity falls, and the output loads (merged through the adapter for LoRA)
        var report = result.Final.Report;
        Assert.True(report.Domain < report.DomainBase && report.Specialization > 0.01,
            $"{family} {method}: domain ppl {report.DomainBase} -> {report.Domain}");
        var trained = result.ModelDirectory;
        if (method == "lora")
        {
            trained = Path.Combine(TempDir.Create($"merged-{family}"), "merged");
            AdapterMerge.Run(modelDir, result.ModelDirectory, trained, overwrite: false);
        }
        using var reloaded = ModelFactory.FromPretrained(trained);
        Assert.Equal(family == "qwen3" ? "qwen3" : "gemma3_text", reloaded.Config.ModelType);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_attach_the_default_lora_dora_and_ia3_targets(string family)
    {
        foreach (var kind in new[] { AdapterKind.Lora, AdapterKind.Dora, AdapterKind.Ia3 })
        {
            using var model = TinyModels.Random(Json(family));
            int layers = ModelAdapters.Attach(model, new AdapterConfig { Kind = kind, Rank = 4, Alpha = 8 });
            int count = family == "qwen3" ? 2 : 3;
            Assert.Equal(kind == AdapterKind.Ia3 ? 3 * count : 7 * count, layers);
        }
    }
}
