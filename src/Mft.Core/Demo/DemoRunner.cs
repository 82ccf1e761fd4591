using System.Diagnostics;
using Mft.Cluster;
using Mft.Sweep;
using Mft.Training;

namespace Mft.Demo;

/// <summary>
/// Runs the demo's grid as a sweep (<see cref="SweepRunner"/>, several runs at once), then writes the demo's report,
/// table and plots. Running it again on the same folder continues it: finished runs are read, not trained.
/// </summary>
public sealed class DemoRunner(DemoConfig config)
{
    public event Action<string, StepMetrics, int>? StepCompleted;
    /// <summary>A run finished (or was found finished: the flag is false).</summary>
    public event Action<SweepRun, bool>? RunCompleted;

    /// <summary>
    /// Trains every run and writes the report. <see cref="DemoConfig.Workers"/> runs train at once, each on its share of
    /// the threads; a run's numbers do not depend on which worker trains it or on how many threads it has
    /// (docs/demo-report.md). Cancelling stops every run at its next step; the same call continues the demo.
    /// </summary>
    public IReadOnlyList<SweepRun> Run(CancellationToken cancel = default)
    {
        config.Validate();
        var sweep = config.Sweep;
        var watch = Stopwatch.StartNew();
        int runs = SweepCell.Grid(sweep).Count;
        int workers = config.WorkerCount(runs), threads = config.ThreadsPerRun(workers);
        var runner = new SweepRunner(sweep, config.OutputDirectory, config.Overwrite, threads, Shard.All, workers, config.Device);
        runner.StepCompleted += (name, m, total) => StepCompleted?.Invoke(name, m, total);
        runner.RunCompleted += (r, _, _, trained) => RunCompleted?.Invoke(r, trained);
        var result = runner.Run(cancel, writeReport: false);
        DemoReport.Write(sweep, result, config.OutputDirectory, watch.Elapsed, workers, threads);
        return result;
    }
}
