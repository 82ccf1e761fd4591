using Mft.Checkpoints;
using Mft.Models.Gpt2;
using Mft.Models.Llama;
using Mft.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Models;

/// <summary>Builds models from configs, loads them from Hugging Face directories and saves them back.</summary>
public static class ModelFactory
{
    /// <summary>
    /// Creates an untrained model for a config (weights normal(0, 0.02)), drawn from a generator of their own seeded with
    /// <paramref name="seed"/> (the same weights wherever and beside whatever it runs), or from libtorch's process-wide
    /// generator as it stands when <paramref name="seed"/> is null.
    /// </summary>
    public static CausalLM Create(ModelConfig config, Device? device = null, long? seed = null)
    {
        using var generator = seed is long s ? new Generator((ulong)s) : null;
        return Create(config, device, initialize: true, generator);
    }

    private static CausalLM Create(ModelConfig config, Device? device, bool initialize, Generator? generator = null)
    {
        TorchRuntime.EnsureInitialized();
        AllocatorTuning.ApplyFor(config.EstimatedParameters);   // before the model's first tensor: see docs/memory.md
        CausalLM model = config switch
        {
            LlamaConfig l => new LlamaForCausalLM(l),
            Gpt2Config g => new Gpt2LMHeadModel(g),
            _ => throw new MftException($"{config.SourcePath}: no model for {config.GetType().Name}"),
        };
        if (initialize) model.InitializeWeights(generator: generator);
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    /// <summary>Loads config.json and safetensors weights from a Hugging Face model directory, in fp32.</summary>
    public static CausalLM FromPretrained(string directory, Device? device = null)
    {
        var config = ModelConfig.Load(directory);
        var model = Create(config, null, initialize: false);   // every parameter is overwritten by the checkpoint
        try
        {
            using var files = CheckpointFiles.Open(directory);
            StateDictLoader.Load(model, files, config.SourcePath);
            if (device is not null && device.type != DeviceType.CPU) model.to(device);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes config.json and model.safetensors (fp32) into <paramref name="directory"/>, and copies tokenizer
    /// files from <paramref name="tokenizerSource"/> if given. Tied output weights are not written twice.
    /// </summary>
    public static void Save(CausalLM model, string directory, string? tokenizerSource = null)
    {
        Directory.CreateDirectory(directory);
        if (Layers.AdaptableLinear.AnyAdapterIn(model))
            throw new MftException("the model carries adapters: save them with PeftAdapterFiles.Save, or merge them first");
        using (var scope = NewDisposeScope())   // the fp32 CPU copies, freed once written (docs/runtime.md)
        {
            var tensors = model.named_parameters()
                .Select(p => (p.name, (Tensor)p.parameter.detach().to(ScalarType.Float32, CPU)))
                .ToList();
            SafetensorsWriter.Write(Path.Combine(directory, CheckpointFiles.SingleFile), tensors,
                new Dictionary<string, string> { ["format"] = "pt" });
        }
        AtomicFile.WriteAllText(Path.Combine(directory, ModelConfig.FileName),
            model.Config.ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        if (tokenizerSource is not null) CopyTokenizerFiles(tokenizerSource, directory);
    }

    /// <summary>Tokenizer and generation files that travel with a model.</summary>
    public static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json", "generation_config.json", "vocab.json", "merges.txt"];

    public static void CopyTokenizerFiles(string from, string to)
    {
        if (Path.GetFullPath(from) == Path.GetFullPath(to)) return;
        foreach (var f in TokenizerFiles)
        {
            var src = Path.Combine(from, f);
            if (File.Exists(src)) File.Copy(src, Path.Combine(to, f), overwrite: true);
        }
    }
}
