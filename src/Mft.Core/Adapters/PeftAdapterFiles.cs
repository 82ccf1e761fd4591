using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Checkpoints;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Adapters;

/// <summary>
/// Hugging Face PEFT's adapter folder: adapter_config.json and adapter_model.safetensors, whose keys are the
/// wrapped model's parameter names with the "base_model.model." prefix and without the adapter name
/// (…q_proj.lora_A.weight, …q_proj.lora_B.weight, …q_proj.lora_magnitude_vector, …k_proj.ia3_l).
/// </summary>
public static class PeftAdapterFiles
{
    public const string WeightsFile = "adapter_model.safetensors";

    public static void Save(CausalLM model, AdapterConfig config, string directory)
    {
        var state = ModelAdapters.PeftStateDict(model);
        if (state.Count == 0) throw new MftException("the model has no adapters to save");
        Directory.CreateDirectory(directory);
        using (var scope = NewDisposeScope())   // the fp32 CPU copies, freed once written (docs/runtime.md)
        {
            var tensors = state.Select(p => (p.Key, (Tensor)p.Value.detach().to(ScalarType.Float32, CPU))).ToList();
            SafetensorsWriter.Write(Path.Combine(directory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        AtomicFile.WriteAllText(Path.Combine(directory, AdapterConfig.FileName),
            config.ToPeftJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static AdapterConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, AdapterConfig.FileName);
        if (!File.Exists(path)) throw new MftException($"{path}: not found (an adapter folder holds {AdapterConfig.FileName} and {WeightsFile})");
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new MftException($"{path}: not a JSON object"); }
        catch (JsonException e) { throw new MftException($"{path}: not valid JSON ({e.Message})"); }
        try { return AdapterConfig.FromPeftJson(json, path); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new MftException($"{path}: a field has the wrong type ({e.Message})");
        }
    }

    /// <summary>Attaches the adapter described by the folder to the model and loads its weights; every tensor must be present with the right shape.</summary>
    public static AdapterConfig Load(CausalLM model, string directory)
    {
        var config = ReadConfig(directory);
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path))
        {
            var pickled = PickledWeights.Find(directory, "adapter_model.bin", "adapter_model.pt");
            if (pickled is not null)
                throw PickledWeights.Refusal(pickled, "PeftModel.from_pretrained(base_model, dir).save_pretrained(out, safe_serialization=True)");
            throw new MftException($"{path}: not found");
        }
        using var reader = new SafetensorsReader(path);
        ModelAdapters.Attach(model, config);
        var expected = ModelAdapters.PeftStateDict(model);
        var names = reader.Tensors.Keys.ToHashSet();
        using (no_grad())
            foreach (var (key, parameter) in expected)
            {
                // Older PEFT versions wrote the DoRA magnitude with a ".weight" suffix.
                var stored = names.Contains(key) ? key : names.Contains(key + ".weight") ? key + ".weight"
                    : throw new MftException($"{path}: tensor {key} is missing (the adapter does not match this model or {AdapterConfig.FileName})");
                using var scope = NewDisposeScope();
                var value = reader.Load(stored);
                if (!value.shape.SequenceEqual(parameter.shape))
                    throw new MftException($"{path}: tensor {stored} has shape [{string.Join(", ", value.shape)}], the model needs [{string.Join(", ", parameter.shape)}]");
                parameter.copy_(value);
                names.Remove(stored);
            }
        if (names.Count > 0)
            throw new MftException($"{path}: {names.Count} tensors match no adapted layer of this model, e.g. {names.First()}");
        return config;
    }
}
