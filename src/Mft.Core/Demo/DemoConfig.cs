namespace Mft.Demo;

/// <summary>
/// The paper's central experiment on the embedded model: per domain, at a fixed data budget, standard
/// finetuning and MFT at a few tau values train for the same number of steps, with domain and general
/// perplexity measured throughout.
/// </summary>
public sealed record DemoConfig
{
    public required string ModelDirectory { get; init; }
    /// <summary>Folder with general/test.txt and domains/NAME/{train,test}.txt.</summary>
    public required string DataDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public bool Overwrite { get; init; }
    public IReadOnlyList<string> Domains { get; init; } = ["bible", "jargon", "devil"];
    public IReadOnlyList<double> Taus { get; init; } = [0.1, 0.25];
    public int Samples { get; init; } = 500;
    /// <summary>Optimizer steps per run, the same for every method and domain (0: use <see cref="Epochs"/>).</summary>
    public int Steps { get; init; } = 100;
    public double Epochs { get; init; } = 3;
    /// <summary>Evaluations per run, quadratically spaced (at 4, 16, 36, 64 and 100 of 100 steps for 5).</summary>
    public int Evaluations { get; init; } = 5;
    public int ContextLength { get; init; } = 128;
    public int BatchSize { get; init; } = 8;
    public double LearningRate { get; init; } = 1e-3;
    public int DomainTestSamples { get; init; } = 150;
    public int GeneralTestSamples { get; init; } = 120;
    public int Seed { get; init; }
    /// <summary>Threads per run (0: the machine's cores shared among the workers).</summary>
    public int Threads { get; init; }
    /// <summary>Runs trained at once (0: one per core, at most one per run). A model this small trains faster as two runs on one thread each than as one on two.</summary>
    public int Workers { get; init; }

    public int WorkerCount(int runs) => Math.Clamp(Workers > 0 ? Workers : Environment.ProcessorCount, 1, Math.Max(1, runs));

    public int ThreadsPerRun(int workers) => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount / workers);

    public void Validate()
    {
        if (Domains.Count == 0) throw new MftException("--domains: give at least one domain");
        foreach (var tau in Taus) Objectives.TauCorrection.RequireValid(tau, "--taus: each tau");
        if (Samples <= 0 || Steps < 0 || Epochs <= 0 || Evaluations <= 0) throw new MftException("--samples, --epochs and --evaluations must be positive");
        if (Workers < 0 || Threads < 0) throw new MftException("--workers and --threads must be >= 0 (0: automatic)");
        Mft.Data.CorpusLayout.Check(DataDirectory, Domains, needGeneralTrain: false);
    }
}
