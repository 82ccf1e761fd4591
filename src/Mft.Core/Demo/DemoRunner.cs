using System.Diagnostics;
using Mft.Data;
using Mft.Evaluation;
using Mft.Training;

namespace Mft.Demo;

/// <summary>Runs the demo's grid (domains x methods), then writes the report, tables and plots.</summary>
public sealed class DemoRunner(DemoConfig config)
{
    public event Action<string, StepMetrics, int>? StepCompleted;
    public event Action<DemoRun>? RunCompleted;

    public IReadOnlyList<DemoRun> Run(CancellationToken cancel = default)
    {
        config.Validate();
        var watch = Stopwatch.StartNew();
        OutputFolder.Prepare(config.OutputDirectory, config.Overwrite, resume: false);
        var runs = new List<DemoRun>();
        foreach (var domain in config.Domains)
        {
            BasePerplexities? basePpl = null;
            var methods = new List<(string Method, double? Tau)> { ("ft", null) };
            methods.AddRange(config.Taus.Select(t => ("mft", (double?)t)));
            foreach (var (method, tau) in methods)
            {
                cancel.ThrowIfCancellationRequested();
                var label = tau is double t ? $"mft-tau{t}" : method;
                var outDir = Path.Combine(config.OutputDirectory, "runs", domain, label);
                var job = new FinetuneJob(JobConfig(domain, method, tau ?? 0, outDir, basePpl));
                job.StepCompleted += (m, total) => StepCompleted?.Invoke($"{domain} {label}", m, total);
                var start = watch.Elapsed;
                var result = job.Run(cancel);
                var first = result.Trajectory[0];
                basePpl ??= new BasePerplexities(first.DomainValidation, first.DomainTest, first.General, first.GeneralValidation);
                var run = new DemoRun(domain, method, tau, result.Final, result.Trajectory, result.State.Step, watch.Elapsed - start);
                runs.Add(run);
                RunCompleted?.Invoke(run);
                Directory.Delete(Path.Combine(outDir, "model"), recursive: true);   // keep reports, not 9 copies of the weights
            }
        }
        DemoReport.Write(config, runs, watch.Elapsed);
        return runs;
    }

    private FinetuneJobConfig JobConfig(string domain, string method, double tau, string outDir, BasePerplexities? basePpl)
    {
        var trainer = new TrainerConfig
        {
            Method = method, Tau = tau, MaxSteps = config.Steps, Epochs = config.Epochs, LearningRate = config.LearningRate, BatchSize = config.BatchSize,
            ContextLength = config.ContextLength, Packing = Packing.Pack, WarmupSteps = 5, Seed = config.Seed,
            Evaluations = config.Evaluations, EvaluationSpacing = "quadratic", Schedule = "cosine",
            TeacherCacheExact = method != "ft",
        };
        // every tau of a domain trains on the same rows: one exact teacher cache serves them all
        var teacherCache = method == "ft" ? null : Path.Combine(config.OutputDirectory, "teachers", domain, ExactTeacherCache.FileName);
        return FinetuneJobConfig.OnCorpusDomain(config.ModelDirectory, config.DataDirectory, domain, config.DomainTestSamples, config.GeneralTestSamples, outDir, trainer)
            with { Threads = config.Threads, MaxSamples = config.Samples, BasePerplexities = basePpl, TeacherCachePath = teacherCache };
    }
}
