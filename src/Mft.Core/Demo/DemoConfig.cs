using Mft.Sweep;

namespace Mft.Demo;

/// <summary>
/// The paper's central experiment on the embedded model: per domain, at a fixed data budget, standard finetuning and
/// MFT at a few tau values train for the same number of steps, with domain and general perplexity measured throughout.
/// The grid is <see cref="Preset"/> (sweeps/demo.yaml); every other property left null keeps the preset's value.
/// </summary>
public sealed record DemoConfig
{
    /// <summary>The grid the overrides below change (<see cref="DemoPreset.Load"/>).</summary>
    public required SweepConfig Preset { get; init; }
    public required string OutputDirectory { get; init; }
    /// <summary>Replace an output folder that holds another demo or sweep (the same demo continues where it stopped).</summary>
    public bool Overwrite { get; init; }
    public string? ModelDirectory { get; init; }
    /// <summary>Folder with general/test.txt and domains/NAME/{train,test}.txt.</summary>
    public string? DataDirectory { get; init; }
    public IReadOnlyList<string>? Domains { get; init; }
    /// <summary>One MFT method per tau, beside finetuning.</summary>
    public IReadOnlyList<double>? Taus { get; init; }
    /// <summary>Training samples per domain.</summary>
    public int? Samples { get; init; }
    /// <summary>Optimizer steps per run, the same for every method and domain.</summary>
    public int? Steps { get; init; }
    /// <summary>Evaluations per run, quadratically spaced (at 4, 16, 36, 64 and 100 of 100 steps for 5).</summary>
    public int? Evaluations { get; init; }
    public int? ContextLength { get; init; }
    public double? LearningRate { get; init; }
    public int? Seed { get; init; }
    /// <summary>Threads per run (0: the machine's cores shared among the workers).</summary>
    public int Threads { get; init; }
    /// <summary>Runs trained at once (0: one per core, at most one per run).</summary>
    public int Workers { get; init; }

    /// <summary>The preset with the overrides applied.</summary>
    public SweepConfig Sweep() => Preset with
    {
        Model = ModelDirectory ?? Preset.Model,
        Data = DataDirectory ?? Preset.Data,
        Domains = Domains?.ToList() ?? Preset.Domains,
        Methods = Taus is null ? Preset.Methods : DemoPreset.Methods(Taus),
        Budgets = Samples is int n ? [n] : Preset.Budgets,
        Steps = Steps ?? Preset.Steps,
        Evaluations = Evaluations ?? Preset.Evaluations,
        Context = ContextLength ?? Preset.Context,
        Lr = LearningRate ?? Preset.Lr,
        Seeds = Seed is int s ? [s] : Preset.Seeds,
    };

    public int WorkerCount(int runs) => Math.Clamp(Workers > 0 ? Workers : Environment.ProcessorCount, 1, Math.Max(1, runs));

    public int ThreadsPerRun(int workers) => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount / workers);

    /// <summary>Throws <see cref="OptionException"/> naming the first invalid option by its key.</summary>
    public void Validate()
    {
        if (Workers < 0) throw new OptionException("workers", $"must be >= 0 (0: one per core), got {Workers}");
        if (Threads < 0) throw new OptionException("threads", $"must be >= 0 (0: the cores shared among the workers), got {Threads}");
        if (Taus is not null) foreach (var tau in Taus) Objectives.TauCorrection.RequireValid(tau, "taus");
        if (Samples is <= 0) throw new OptionException("samples", $"must be positive, got {Samples}");
        Sweep().Validate("demo");
    }
}
