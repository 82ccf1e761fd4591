using System.Text.Json.Nodes;

namespace Mft.Adapters;

/// <summary>
/// Which adapter, where, and how large; read from and written as PEFT's adapter_config.json (keys peft_type,
/// r, lora_alpha, lora_dropout, use_dora, target_modules, feedforward_modules, ...).
/// </summary>
public sealed record AdapterConfig
{
    public const string FileName = "adapter_config.json";

    [Option("adapter", Help = "train a PEFT adapter instead of all weights (saved in PEFT format; mft merge folds it in)")]

    public AdapterKind Kind { get; init; } = AdapterKind.Lora;
    /// <summary>LoRA/DoRA rank r.</summary>
    [Option("lora_rank", Help = "LoRA/DoRA rank r", Value = "R")]
    public int Rank { get; init; } = 8;
    /// <summary>LoRA/DoRA alpha: the update is scaled by alpha / r.</summary>
    [Option("lora_alpha", Help = "LoRA/DoRA alpha: the update is scaled by alpha / r", Value = "A")]
    public double Alpha { get; init; } = 16;
    [Option("lora_dropout", Help = "dropout on the adapter input", Value = "P")]
    public double Dropout { get; init; }
    /// <summary>Last component of the adapted layers' names; null: the defaults for the kind.</summary>
    [Option("target_modules", Help = "comma-separated layer names to adapt (default: all attention and MLP projections; IA3: k_proj,v_proj,down_proj)", Value = "NAMES")]
    public IReadOnlyList<string>? TargetModules { get; init; }
    /// <summary>IA3 only: targets whose input (not output) is scaled; null: down_proj.</summary>
    public IReadOnlyList<string>? FeedforwardModules { get; init; }
    /// <summary>Recorded as base_model_name_or_path.</summary>
    public string? BaseModel { get; init; }

    /// <summary>
    /// LoRA and DoRA: all seven attention and MLP projections (Mft's choice, as QLoRA does; PEFT's own Llama default is
    /// q_proj and v_proj only: pass those as target modules to match it). IA3: keys, values and the MLP's down
    /// projection (PEFT's Llama default).
    /// </summary>
    public IReadOnlyList<string> Targets => TargetModules ?? (Kind == AdapterKind.Ia3
        ? ["k_proj", "v_proj", "down_proj"]
        : ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]);

    public IReadOnlyList<string> Feedforward => FeedforwardModules ?? (Kind == AdapterKind.Ia3 ? ["down_proj"] : []);

    public static AdapterKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "lora" => AdapterKind.Lora,
        "dora" => AdapterKind.Dora,
        "ia3" => AdapterKind.Ia3,
        _ => throw new OptionException("adapter", $"'{name}' is unknown (expected lora, dora or ia3)"),
    };

    public static string Name(AdapterKind kind) => kind.ToString().ToLowerInvariant();

    public void Validate()
    {
        if (Kind != AdapterKind.Ia3 && Rank <= 0) throw new OptionException("lora_rank", $"must be positive, got {Rank}");
        if (Kind != AdapterKind.Ia3 && !(Alpha > 0)) throw new OptionException("lora_alpha", $"must be positive, got {Alpha}");
        if (Dropout is < 0 or >= 1) throw new OptionException("lora_dropout", $"must be in [0, 1), got {Dropout}");
        if (Targets.Count == 0) throw new OptionException("target_modules", "give at least one module name");
        var stray = Feedforward.Except(Targets).ToList();
        if (stray.Count > 0) throw new OptionException("feedforward_modules", $"{string.Join(", ", stray)} are not among {{target_modules}}");
    }

    public JsonObject ToPeftJson()
    {
        var json = new JsonObject
        {
            ["peft_type"] = Kind == AdapterKind.Ia3 ? "IA3" : "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = BaseModel,
            ["inference_mode"] = true,
            ["target_modules"] = new JsonArray(Targets.Select(t => (JsonNode)t!).ToArray()),
            ["fan_in_fan_out"] = false,
            ["modules_to_save"] = null,
        };
        if (Kind == AdapterKind.Ia3)
        {
            json["feedforward_modules"] = new JsonArray(Feedforward.Select(t => (JsonNode)t!).ToArray());
            json["init_ia3_weights"] = true;
        }
        else
        {
            json["r"] = Rank;
            json["lora_alpha"] = Alpha;
            json["lora_dropout"] = Dropout;
            json["use_dora"] = Kind == AdapterKind.Dora;
            json["use_rslora"] = false;
            json["bias"] = "none";
            json["init_lora_weights"] = true;
            json["layers_to_transform"] = null;
        }
        return json;
    }

    /// <summary>Reads PEFT's config; refuses what Mft cannot reproduce exactly (other PEFT types, rsLoRA, bias training, fan_in_fan_out).</summary>
    public static AdapterConfig FromPeftJson(JsonObject json, string path)
    {
        MftException Fail(string what) => new($"{path}: {what}");
        var type = json["peft_type"]?.GetValue<string>() ?? throw Fail("no peft_type");
        if (type is not ("LORA" or "IA3"))   // before any other key: a prefix-tuning config has no target_modules to complain about
            throw Fail($"peft_type {type} is not supported (Mft reads LORA, LORA with use_dora, and IA3 adapters)");
        IReadOnlyList<string>? Names(string key) => json[key] switch
        {
            null => null,
            JsonArray a => a.Select(n => n!.GetValue<string>()).ToList(),
            JsonValue v when v.TryGetValue<string>(out var s) => [s],
            _ => throw Fail($"{key} must be a list of module names"),
        };
        if (json["fan_in_fan_out"]?.GetValue<bool>() == true) throw Fail("fan_in_fan_out adapters (GPT-2 Conv1D) are not supported");
        if (json["modules_to_save"] is JsonArray { Count: > 0 }) throw Fail("modules_to_save is not supported");
        var targets = Names("target_modules") ?? throw Fail("no target_modules");
        switch (type)
        {
            case "LORA":
                if (json["use_rslora"]?.GetValue<bool>() == true) throw Fail("use_rslora is not supported");
                if (json["bias"]?.GetValue<string>() is { } bias && bias != "none") throw Fail($"bias '{bias}' is not supported (only 'none')");
                if (json["layers_to_transform"] is JsonArray { Count: > 0 }) throw Fail("layers_to_transform is not supported");
                return new AdapterConfig
                {
                    Kind = json["use_dora"]?.GetValue<bool>() == true ? AdapterKind.Dora : AdapterKind.Lora,
                    Rank = json["r"]?.GetValue<int>() ?? 8,
                    Alpha = json["lora_alpha"]?.GetValue<double>() ?? 8,
                    Dropout = json["lora_dropout"]?.GetValue<double>() ?? 0,
                    TargetModules = targets,
                    BaseModel = json["base_model_name_or_path"]?.GetValue<string>(),
                };
            case "IA3":
                return new AdapterConfig
                {
                    Kind = AdapterKind.Ia3,
                    TargetModules = targets,
                    FeedforwardModules = Names("feedforward_modules") ?? [],
                    BaseModel = json["base_model_name_or_path"]?.GetValue<string>(),
                };
            default:
                throw new InvalidOperationException($"unreachable: peft_type {type} was checked above");
        }
    }
}
