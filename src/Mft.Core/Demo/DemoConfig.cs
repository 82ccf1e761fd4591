using Mft.Sweep;

namespace Mft.Demo;

/// <summary>
/// The paper's central experiment on the embedded model: per domain, at a fixed data budget, standard finetuning and
/// MFT at a few tau values train for the same number of steps, with domain and general perplexity measured throughout.
/// <see cref="Sweep"/> is its grid: sweeps/demo.yaml with the command's options set on it (<see cref="DemoPreset.With"/>).
/// </summary>
public sealed record DemoConfig
{
    /// <summary>The grid the demo runs.</summary>
    public required SweepConfig Sweep { get; init; }
    public required string OutputDirectory { get; init; }
    /// <summary>Replace an output folder that holds another demo or sweep (the same demo continues where it stopped).</summary>
    public bool Overwrite { get; init; }
    /// <summary>Threads per run (0: the machine's cores shared among the workers).</summary>
    public int Threads { get; init; }
    /// <summary>Runs trained at once (0: one per core, at most one per run).</summary>
    public int Workers { get; init; }
    /// <summary>cpu, cuda or cuda:N, for every run.</summary>
    public string Device { get; init; } = "cpu";

    public int WorkerCount(int runs) => Math.Clamp(Workers > 0 ? Workers : Environment.ProcessorCount, 1, Math.Max(1, runs));

    public int ThreadsPerRun(int workers) => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount / workers);

    /// <summary>Throws <see cref="OptionException"/> naming the first invalid option by its key.</summary>
    public void Validate()
    {
        if (Workers < 0) throw new OptionException("workers", $"must be >= 0 (0: one per core), got {Workers}");
        if (Threads < 0) throw new OptionException("threads", $"must be >= 0 (0: the cores shared among the workers), got {Threads}");
        Sweep.Validate("demo");
    }
}
