using Mft.Adapters;

namespace Mft.Sweep;

/// <summary>
/// One column of the sweep: an objective (ft or mft with a tau), optionally on an adapter, optionally with
/// replay of general-domain text, optionally with its own learning rate (adapters usually need a larger one).
/// </summary>
public sealed record SweepMethod
{
    public required string Name { get; init; }
    /// <summary>ft, mft or kd.</summary>
    public string Method { get; init; } = "ft";
    public double? Tau { get; init; }
    /// <summary>lora, dora or ia3; null trains all weights.</summary>
    public string? Adapter { get; init; }
    /// <summary>Share of training samples that are general-domain replay.</summary>
    public double Replay { get; init; }
    public double? Lr { get; init; }
    public int LoraRank { get; init; } = 8;
    public double LoraAlpha { get; init; } = 16;

    public bool IsMft => Method == "mft";

    public AdapterConfig? AdapterConfig() => Adapter is null ? null
        : new AdapterConfig { Kind = Adapters.AdapterConfig.ParseKind(Adapter), Rank = LoraRank, Alpha = LoraAlpha };
}
