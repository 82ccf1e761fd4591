using Mft.Adapters;

namespace Mft.Sweep;

/// <summary>
/// One column of the sweep: an objective (ft or mft with a tau), optionally on an adapter, optionally with
/// replay of general-domain text, optionally with its own learning rate (adapters usually need a larger one) or a
/// grid of them (<c>lrs</c>): each becomes a variant named <c>NAME@LR</c>, and the report chooses among them on the
/// validation sets only (<see cref="TunedComparison"/>).
/// </summary>
public sealed record SweepMethod
{
    public required string Name { get; init; }
    /// <summary>ft, mft or kd.</summary>
    public string Method { get; init; } = "ft";
    public double? Tau { get; init; }
    /// <summary>lora, dora or ia3; null trains all weights.</summary>
    public string? Adapter { get; init; }
    /// <summary>Share of training samples that are general-domain replay (<c>mft train --replay-fraction</c>).</summary>
    public double ReplayFraction { get; init; }
    public double? Lr { get; init; }
    /// <summary>A learning-rate grid: one variant per value (instead of <see cref="Lr"/>).</summary>
    public List<double>? Lrs { get; init; }
    /// <summary>For a variant of a grid: the name of the method it came from; null for a method without a grid.</summary>
    [YamlDotNet.Serialization.YamlIgnore]
    public string? Family { get; init; }
    public int LoraRank { get; init; } = 8;
    public double LoraAlpha { get; init; } = 16;
    /// <summary>
    /// Other options of <c>mft train</c> for this method's runs, by key (<c>options: {temperature: 2, lora_dropout:
    /// 0.05}</c>): only those in <see cref="OverridableKeys"/>, which leave the rows, the evaluation sets and the
    /// comparison's steps as the sweep sets them.
    /// </summary>
    public Dictionary<string, string>? Options { get; init; }

    /// <summary>The train keys a method sets as its own properties (not in <see cref="Options"/>).</summary>
    public static readonly IReadOnlySet<string> OwnKeys = new HashSet<string> { "method", "tau", "adapter", "lora_rank", "lora_alpha", "replay_fraction", "lr" };

    /// <summary>The keys <see cref="Options"/> may set: how a method learns from the rows, never which rows or when it is measured.</summary>
    public static readonly IReadOnlySet<string> OverridableKeys = new HashSet<string>
    {
        "temperature", "correct_only_wrong", "weight_decay", "adam_beta1", "adam_beta2", "schedule", "min_lr_ratio", "clip",
        "lora_dropout", "target_modules", "gradient_checkpointing", "loss_chunk", "on_nonfinite",
    };

    public bool IsMft => Method == "mft";

    /// <summary>The method this run belongs to, whichever learning rate of its grid it has.</summary>
    public string FamilyName => Family ?? Name;

    /// <summary>This method, or one variant per learning rate of its grid.</summary>
    public IEnumerable<SweepMethod> Variants() => Lrs is null ? [this]
        : Lrs.Select(lr => this with { Name = $"{Name}@{lr.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}", Lr = lr, Lrs = null, Family = Name });

    public AdapterConfig? AdapterConfig() => Adapter is null ? null
        : new AdapterConfig { Kind = Adapters.AdapterConfig.ParseKind(Adapter), Rank = LoraRank, Alpha = LoraAlpha };
}
