using System.Diagnostics;
using Mft.Data;
using Mft.Evaluation;
using Mft.Training;
using Mft.Jobs;
using Mft.Runs;
using Mft.Teachers;

namespace Mft.Demo;

/// <summary>Runs the demo's grid (domains x methods), several runs at once, then writes the report, tables and plots.</summary>
public sealed class DemoRunner(DemoConfig config)
{
    public event Action<string, StepMetrics, int>? StepCompleted;
    public event Action<DemoRun>? RunCompleted;

    /// <summary>
    /// Trains every run and writes the report. Runs are independent once their domain's finetuning run has measured the
    /// base model (its perplexities are reused) and, for a second tau, once the first has built the domain's teacher
    /// cache; <see cref="DemoConfig.Workers"/> of them train at once, each on its share of the threads. A run's numbers
    /// do not depend on which worker trains it or on how many threads it has (docs/demo-report.md).
    /// </summary>
    public IReadOnlyList<DemoRun> Run(CancellationToken cancel = default)
    {
        config.Validate();
        var watch = Stopwatch.StartNew();
        OutputFolder.Prepare(config.OutputDirectory, config.Overwrite, resume: false);
        var methods = new List<(string Method, double? Tau)> { ("ft", null) };
        methods.AddRange(config.Taus.Select(t => ("mft", (double?)t)));
        // Method-major, so that the runs others wait for come first; the report lists them domain by domain.
        var plan = methods.SelectMany((m, mi) => config.Domains.Select((d, di) => new PlannedRun(d, di, m.Method, m.Tau, mi))).ToList();
        int workers = config.WorkerCount(plan.Count);
        int threads = config.ThreadsPerRun(workers);
        var basePerplexities = new Dictionary<string, BasePerplexities>();
        var finished = new Dictionary<(int Domain, int Method), DemoRun>();
        var gate = new object();
        int next = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        bool Ready(PlannedRun r) => r.MethodIndex == 0 || (finished.ContainsKey((r.DomainIndex, 0)) && (r.MethodIndex == 1 || finished.ContainsKey((r.DomainIndex, 1))));

        void Work()
        {
            while (true)
            {
                PlannedRun run;
                BasePerplexities? basePpl;
                lock (gate)
                {
                    while (next < plan.Count && !Ready(plan[next]) && !stop.IsCancellationRequested) Monitor.Wait(gate);
                    if (next >= plan.Count || stop.IsCancellationRequested) return;
                    run = plan[next++];
                    basePpl = basePerplexities.GetValueOrDefault(run.Domain);
                }
                var label = DemoRun.FolderNameOf(run.Method, run.Tau);
                var outDir = Path.Combine(config.OutputDirectory, "runs", run.Domain, label);
                var job = new FinetuneJob(JobConfig(run.Domain, run.Method, run.Tau ?? 0, outDir, basePpl, threads));
                job.StepCompleted += (m, total) => StepCompleted?.Invoke($"{run.Domain} {label}", m, total);
                var started = watch.Elapsed;
                var result = job.Run(stop.Token);
                var first = result.Trajectory[0];
                var demoRun = new DemoRun(run.Domain, run.Method, run.Tau, result.Final, result.Trajectory, result.State.Step, watch.Elapsed - started);
                Directory.Delete(new RunLayout(outDir).Model, recursive: true);   // keep reports, not 9 copies of the weights
                lock (gate)
                {
                    basePerplexities.TryAdd(run.Domain, new BasePerplexities(first.DomainValidation, first.DomainTest, first.General, first.GeneralValidation));
                    finished[(run.DomainIndex, run.MethodIndex)] = demoRun;
                    RunCompleted?.Invoke(demoRun);
                    Monitor.PulseAll(gate);
                }
            }
        }

        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Factory.StartNew(() =>
        {
            try { Work(); }
            catch
            {
                lock (gate) { stop.Cancel(); Monitor.PulseAll(gate); }   // the others stop at their next step
                throw;
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        try { Task.WaitAll(tasks); }
        catch (AggregateException e)
        {
            // A real failure wins over the cancellations it caused in the other workers.
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
        cancel.ThrowIfCancellationRequested();
        var runs = finished.OrderBy(r => r.Key.Domain).ThenBy(r => r.Key.Method).Select(r => r.Value).ToList();
        DemoReport.Write(config, runs, watch.Elapsed);
        return runs;
    }

    private sealed record PlannedRun(string Domain, int DomainIndex, string Method, double? Tau, int MethodIndex);

    private FinetuneJobConfig JobConfig(string domain, string method, double tau, string outDir, BasePerplexities? basePpl, int threads)
    {
        var trainer = new TrainerConfig
        {
            Method = method, Tau = tau, MaxSteps = config.Steps, Epochs = config.Epochs, LearningRate = config.LearningRate, BatchSize = config.BatchSize,
            ContextLength = config.ContextLength, Packing = Packing.Pack, WarmupSteps = 5, Seed = config.Seed,
            Evaluations = config.Evaluations, EvaluationSpacing = EvaluationSpacing.Quadratic, Schedule = ScheduleKind.Cosine,
            TeacherCacheExact = method != "ft",
        };
        // every tau of a domain trains on the same rows: one exact teacher cache serves them all
        var teacherCache = method == "ft" ? null : Path.Combine(config.OutputDirectory, "teachers", domain, ExactTeacherCache.FileName);
        return FinetuneJobConfig.OnCorpusDomain(config.ModelDirectory, config.DataDirectory, domain, config.DomainTestSamples, config.GeneralTestSamples, outDir, trainer)
            with { Threads = threads, MaxSamples = config.Samples, BasePerplexities = basePpl, TeacherCachePath = teacherCache };
    }
}
