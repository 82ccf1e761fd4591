using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Checkpoints;
using Mft.Data;
using Mft.Training;

namespace Mft.Sweep;

/// <summary>
/// Runs the grid seed by seed (so that an interrupted sweep has whole seeds to report), skipping every run whose
/// report.json already exists: a sweep is resumed by running it again with the same config and output folder.
/// Base perplexities are measured once per domain and seed and reused by all its runs. Trained weights are
/// deleted after each run; reports, metrics and trajectories are kept.
/// </summary>
public sealed class SweepRunner(SweepConfig config, string outputDirectory, bool overwrite, int threads = 0)
{
    public const string ConfigFile = "sweep.json";

    public event Action<string, StepMetrics, int>? StepCompleted;
    public event Action<SweepRun, int, int>? RunCompleted;

    public int TotalRuns => config.Domains.Count * config.Budgets.Count * config.Seeds.Count * config.Methods.Count;

    public IReadOnlyList<SweepRun> Run(CancellationToken cancel = default)
    {
        config.Validate();
        var watch = Stopwatch.StartNew();
        PrepareFolder();
        var runs = new List<SweepRun>();
        foreach (var seed in config.Seeds)
            foreach (var domain in config.Domains)
            {
                double?[]? basePpl = null;
                foreach (var budget in config.Budgets)
                    foreach (var method in config.Methods)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var dir = Path.Combine(outputDirectory, "runs", domain, $"n{budget}", $"seed{seed}", method.Name);
                        var run = File.Exists(Path.Combine(dir, "report.json"))
                            ? Read(dir, domain, budget, seed, method.Name)
                            : Train(dir, domain, budget, seed, method, basePpl, cancel);
                        var first = run.Trajectory[0];
                        basePpl ??= [first.DomainValidation, first.DomainTest, first.General];
                        runs.Add(run);
                        RunCompleted?.Invoke(run, runs.Count, TotalRuns);
                    }
            }
        SweepReport.Write(config, runs, outputDirectory, watch.Elapsed);
        return runs;
    }

    /// <summary>A folder of another sweep config is only replaced with --overwrite; the same config continues where it stopped.</summary>
    private void PrepareFolder()
    {
        var path = Path.Combine(outputDirectory, ConfigFile);
        var json = JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true });
        if (File.Exists(path) && !overwrite)
        {
            if (!JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), JsonNode.Parse(json)))
                throw new MftException($"{outputDirectory}: holds a sweep with another config ({ConfigFile} differs); use another --out or --overwrite");
            return;
        }
        OutputFolder.Prepare(outputDirectory, overwrite, resume: false);
        AtomicFile.WriteAllText(path, json);
    }

    private SweepRun Train(string dir, string domain, int budget, int seed, SweepMethod method, double?[]? basePpl, CancellationToken cancel)
    {
        var trainer = new TrainerConfig
        {
            Method = method.Method, Tau = method.Tau ?? 0, MaxSteps = config.Steps, LearningRate = method.Lr ?? config.Lr,
            BatchSize = config.BatchSize, ContextLength = config.Context, Packing = Packing.Pack, WarmupSteps = config.WarmupSteps,
            Seed = seed, Evaluations = config.Evaluations, EvaluationSpacing = "quadratic", Schedule = "cosine",
        };
        var job = new FinetuneJob(FinetuneJobConfig.OnCorpusDomain(config.Model, config.Data, domain, config.DomainTestSamples, config.GeneralTestSamples, dir, trainer) with
        {
            ReplayPath = method.Replay > 0 ? CorpusLayout.GeneralTrain(config.Data) : null,
            ReplayFraction = method.Replay,
            Adapter = method.AdapterConfig(),
            Overwrite = true,   // no report.json: a run that was interrupted starts again
            Threads = threads,
            MaxSamples = budget,
            BasePerplexities = basePpl,
        });
        var label = $"{domain} n{budget} seed{seed} {method.Name}";
        job.StepCompleted += (m, total) => StepCompleted?.Invoke(label, m, total);
        var result = job.Run(cancel);
        if (Directory.Exists(result.ModelDirectory)) Directory.Delete(result.ModelDirectory, recursive: true);
        return new SweepRun(domain, budget, seed, method.Name, result.TrainSamples, result.TrainableParameters, result.Trajectory, result.Elapsed.TotalSeconds);
    }

    private static SweepRun Read(string dir, string domain, int budget, int seed, string method)
    {
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
        var trajectory = MetricsLog.ReadEvaluations(dir).ToList();
        if (trajectory.Count == 0) throw new MftException($"{dir}: report.json exists but {MetricsLog.FileName} has no evaluations; delete the folder to rerun it");
        return new SweepRun(domain, budget, seed, method, report["train_samples"]!.GetValue<int>(),
            report["trainable_parameters"]?.GetValue<long>() ?? 0, trajectory, report["elapsed_seconds"]!.GetValue<double>());
    }
}
