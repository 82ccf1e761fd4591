using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Mft.Checkpoints;
using Mft.Cluster;
using Mft.Data;
using Mft.Evaluation;
using Mft.Training;
using Mft.Jobs;
using Mft.Runs;
using Mft.Teachers;

namespace Mft.Sweep;

/// <summary>
/// Runs the grid (<see cref="SweepCell.Grid"/>), or one shard's share of it, skipping every run whose report.json
/// already exists: a sweep is resumed by running it again with the same config and output folder. Shards share the
/// output folder: one folder per run, claimed while it trains (<see cref="RunClaim"/>), every file written
/// atomically. Base perplexities are measured once per domain and seed (base/DOMAIN/seedS.json) and given to every
/// run, as are the base model's task scores per domain (base/DOMAIN/tasks.json), and a teacher cache, when the config asks for one, is computed once per domain, budget, seed and replay
/// (teachers/...), so that a run computes the same numbers whichever shard runs it. The full sweep writes the
/// report; shards leave it to <see cref="Collect"/>. Trained weights are deleted after each run; reports, metrics
/// and trajectories are kept. <paramref name="workers"/> runs train at once in this process (each on
/// <paramref name="threads"/> threads); a run needing a base measurement or a teacher cache that another is computing
/// waits for it, so each is computed once. A run's numbers do not depend on which worker trains it.
/// </summary>
public sealed class SweepRunner(SweepConfig config, string outputDirectory, bool overwrite, int threads = 0, Shard? shard = null, int workers = 1, string device = "cpu")
{
    private readonly Shard _shard = shard ?? Shard.All;
    private readonly SweepLayout _layout = new(outputDirectory);
    private readonly SweepJobs _jobs = new(config, device, threads);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BasePerplexities> _base = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BaseTaskScores> _baseTasks = [];
    private readonly Dictionary<string, object> _computing = [];   // one lock per base measurement and teacher cache file

    public event Action<string, StepMetrics, int>? StepCompleted;
    /// <summary>A run finished (or was found finished: the flag is false), with its position in this share.</summary>
    public event Action<SweepRun, int, int, bool>? RunCompleted;
    /// <summary>A teacher cache is ready (computed, or found: the flag is false), with its position in this share.</summary>
    public event Action<string, int, int, bool>? TeacherCached;

    /// <summary>Trains this share of the grid (finished runs are read, not trained) and, for the whole grid, writes the sweep report unless <paramref name="writeReport"/> is false.</summary>
    public IReadOnlyList<SweepRun> Run(CancellationToken cancel = default, bool writeReport = true)
    {
        Prepare();
        var watch = Stopwatch.StartNew();
        var mine = _shard.Of(SweepCell.Grid(config), c => c.Folder);
        var runs = new SweepRun?[mine.Count];
        int next = 0, completed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        void Work()
        {
            while (true)
            {
                stop.Token.ThrowIfCancellationRequested();
                int i = Interlocked.Increment(ref next) - 1;
                if (i >= mine.Count) return;
                var cell = mine[i];
                var dir = Path.Combine(outputDirectory, cell.Folder);
                bool done = new RunLayout(dir).IsFinished;
                var run = runs[i] = done ? Read(dir, cell) : Train(dir, cell, stop.Token);
                lock (runs) RunCompleted?.Invoke(run, ++completed, mine.Count, !done);
            }
        }
        var tasks = Enumerable.Range(0, Math.Clamp(workers, 1, Math.Max(1, mine.Count))).Select(_ => Task.Factory.StartNew(() =>
        {
            try { Work(); }
            catch { stop.Cancel(); throw; }   // the others stop at their next step
        }, TaskCreationOptions.LongRunning)).ToArray();
        try { Task.WaitAll(tasks); }
        catch (AggregateException e)
        {
            // A real failure wins over the cancellations it caused in the other workers.
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
        var all = runs.Select(r => r!).ToList();
        if (_shard.IsAll && writeReport) SweepReport.Write(config, all, outputDirectory, watch.Elapsed);
        return all;
    }

    /// <summary>Runs <paramref name="compute"/> for <paramref name="path"/> unless another worker is doing so: then waits for it.</summary>
    private T Once<T>(string path, Func<T> compute)
    {
        object gate;
        lock (_computing) gate = _computing.TryGetValue(path, out var g) ? g : _computing[path] = new object();
        lock (gate) return compute();
    }

    /// <summary>The teacher pass alone: this share of the teacher caches the grid needs (none when teacher_cache_exact is false and teacher_cache_topk unset).</summary>
    public IReadOnlyList<string> RunTeachers(CancellationToken cancel = default)
    {
        Prepare();
        var mine = _shard.Of(TeacherCells(config), c => c.TeacherFolder);
        var paths = new List<string>();
        foreach (var cell in mine)
        {
            cancel.ThrowIfCancellationRequested();
            var path = TeacherCachePath(cell)!;
            bool done = File.Exists(path);
            if (!done) TeacherPass.Run(_jobs.Job(_layout.In(cell.TeacherFolder), cell, null, path), Shard.All);
            paths.Add(path);
            TeacherCached?.Invoke(path, paths.Count, mine.Count, !done);
        }
        return paths;
    }

    /// <summary>One cell per teacher cache the grid needs.</summary>
    public static IReadOnlyList<SweepCell> TeacherCells(SweepConfig config) =>
        [.. SweepCell.Grid(config).Where(c => SweepJobs.CacheKindOf(c) is not null).DistinctBy(c => Path.Combine(c.TeacherFolder, SweepJobs.CacheKindOf(c)!.FileName))];

    /// <summary>Writes the report from the runs' folders once every run has its report.json; trains nothing.</summary>
    public IReadOnlyList<SweepRun> Collect()
    {
        config.Validate();
        var path = _layout.Config;
        if (!File.Exists(path)) throw new MftException($"{path}: not found: {outputDirectory} holds no sweep to collect");
        CheckSameConfig(path);
        var grid = SweepCell.Grid(config);
        var missing = grid.Where(c => !new RunLayout(Path.Combine(outputDirectory, c.Folder)).IsFinished).ToList();
        if (missing.Count > 0)
            throw new MftException($"{outputDirectory}: {missing.Count} of {grid.Count} runs have no {RunLayout.ReportFile} yet (first: {missing[0].Folder}); " +
                                   "run the sweep or its shards again (finished runs are skipped), then collect");
        var runs = grid.Select(c => Read(Path.Combine(outputDirectory, c.Folder), c)).ToList();
        SweepReport.Write(config, runs, outputDirectory, elapsed: null);
        return runs;
    }

    /// <summary>Checks the config and claims the folder for it (writes sweep.json, or checks it is this sweep's); the run methods call it first.</summary>
    public void Prepare()
    {
        config.Validate();
        if (Distributed.ProcessGroups.Detect().Size > 1)   // its runs are independent: they are spread as shards, not trained as one on ranks
            throw new MftException($"a sweep does not run on MPI ranks ({Distributed.ProcessGroups.Detect().Size} here): spread its runs with --shard K/N or --slurm (docs/cluster.md)");
        Runtime.TorchRuntime.ResolveDevice(device);   // a device this build cannot use fails here, not after the first base measurement
        if (overwrite && !_shard.IsAll)
            throw MftException.NamingOptions("{overwrite} cannot be combined with {shard}: the shards share the folder (clear it once, before starting them)");
        PrepareFolder();
    }

    /// <summary>
    /// A folder of another sweep config is only replaced with --overwrite; the same config continues where it
    /// stopped. Shards starting together agree: the first to publish sweep.json wins, the others compare with it.
    /// </summary>
    private void PrepareFolder()
    {
        var path = _layout.Config;
        var json = config.ToJson();
        if (overwrite)
        {
            OutputFolder.Prepare(outputDirectory, overwrite: true, resume: false);
            AtomicFile.WriteAllText(path, json);
            return;
        }
        if (!File.Exists(path))
        {
            // Other shards create entries only after sweep.json exists, so entries without it are someone else's.
            // sweep.json's own temporary files (.sweep.json.*.tmp, and AtomicFile's ..sweep.json.* inside Publish) are not entries
            bool foreign = Directory.Exists(outputDirectory)
                && Directory.EnumerateFileSystemEntries(outputDirectory).Any(e => !Path.GetFileName(e).TrimStart('.').StartsWith(SweepLayout.ConfigFile, StringComparison.Ordinal));
            if (foreign && !File.Exists(path))
                throw MftException.NamingOptions($"{outputDirectory}: already exists, is not empty and holds no sweep ({SweepLayout.ConfigFile}); use another {{out}}, or {{overwrite}} to replace it");
            Publish(path, json);
        }
        CheckSameConfig(path);
    }

    private void CheckSameConfig(string path)
    {
        if (!JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), JsonNode.Parse(config.ToJson())))
            throw MftException.NamingOptions($"{outputDirectory}: holds a sweep with another config ({SweepLayout.ConfigFile} differs); use another {{out}} or {{overwrite}}");
    }

    /// <summary>Writes <paramref name="path"/> unless it exists, atomically and exclusively (the loser of a race keeps the winner's file).</summary>
    private static void Publish(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        AtomicFile.WriteAllText(tmp, text);
        try { File.Move(tmp, path, overwrite: false); }
        catch (IOException) when (File.Exists(path)) { File.Delete(tmp); }
    }

    /// <summary>
    /// Every job the sweep runs, by folder, as resolved before any of them runs (without the base perplexities that the
    /// runs are given later): each teacher pass, each base measurement, then each run. Checks what a config means
    /// without training.
    /// </summary>
    public IReadOnlyList<(string Folder, FinetuneJobConfig Job)> ResolvedJobs()
    {
        var grid = SweepCell.Grid(config);
        var jobs = new List<(string, FinetuneJobConfig)>();
        foreach (var cell in TeacherCells(config))
            jobs.Add((cell.TeacherFolder, _jobs.Job(_layout.In(cell.TeacherFolder), cell, null, TeacherCachePath(cell))));
        foreach (var cell in grid.DistinctBy(c => (c.Domain, c.Seed)))
        {
            var folder = Path.Combine("base", cell.Domain, $"seed{cell.Seed}");
            jobs.Add((folder, BaseJob(cell)));
        }
        foreach (var cell in grid)
            jobs.Add((cell.Folder, _jobs.Job(_layout.In(cell.Folder), cell, null, TeacherCachePath(cell))));
        return jobs;
    }

    /// <summary>The job whose evaluation sets a base measurement measures (those of the cell's domain and seed).</summary>
    private FinetuneJobConfig BaseJob(SweepCell cell) => _jobs.Job(Path.GetDirectoryName(_layout.BasePerplexities(cell.Domain, cell.Seed))!, cell, null, null);

    /// <summary>Where the cell's runs read their teacher: the cache of the kind its options ask for, shared by the cells on the same rows; null: online.</summary>
    private string? TeacherCachePath(SweepCell cell) =>
        SweepJobs.CacheKindOf(cell) is { } kind ? Path.Combine(_layout.In(cell.TeacherFolder), kind.FileName) : null;

    /// <summary>The base model's perplexities on the cell's evaluation sets (which depend on domain and seed only), measured once.</summary>
    private BasePerplexities BaseOf(SweepCell cell)
    {
        var path = _layout.BasePerplexities(cell.Domain, cell.Seed);
        return Once(path, () =>
        {
            if (_base.TryGetValue(path, out var known)) return known;
            if (!File.Exists(path))
                Publish(path, BaseMeasurement.Measure(BaseJob(cell)).ToJson());   // shards measuring it at once write the same numbers; the first file stays
            return _base[path] = BasePerplexities.Read(path);
        });
    }

    /// <summary>The base model's scores on the task files of the cell's domain, measured once per domain; null when the sweep scores no tasks.</summary>
    private BaseTaskScores? BaseTasksOf(SweepCell cell)
    {
        if (cell.Options.TaskPaths.Count == 0) return null;
        var path = _layout.BaseTaskScores(cell.Domain);
        return Once(path, () =>
        {
            if (_baseTasks.TryGetValue(path, out var known)) return known;
            if (!File.Exists(path))
                Publish(path, BaseMeasurement.MeasureTasks(BaseJob(cell)).ToJson());
            return _baseTasks[path] = BaseTaskScores.Read(path);
        });
    }

    private SweepRun Train(string dir, SweepCell cell, CancellationToken cancel)
    {
        using var claim = RunClaim.Take(dir, _shard);
        var teacherCache = TeacherCachePath(cell);
        if (teacherCache is not null)
            Once(teacherCache, () => File.Exists(teacherCache) ? teacherCache : TeacherPass.Run(_jobs.Job(Path.GetDirectoryName(teacherCache)!, cell, null, teacherCache), Shard.All));
        var job = new FinetuneJob(_jobs.Job(dir, cell, BaseOf(cell), teacherCache, BaseTasksOf(cell)));
        job.StepCompleted += (m, total) => StepCompleted?.Invoke(cell.Label, m, total);
        var result = job.Run(cancel);
        if (Directory.Exists(result.ModelDirectory)) Directory.Delete(result.ModelDirectory, recursive: true);
        return new SweepRun(cell.Domain, cell.Budget, cell.Seed, cell.Method.Name, result.TrainSamples, result.TrainableParameters, result.Trajectory, result.Elapsed.TotalSeconds)
            { Tasks = result.Tasks };
    }

    private static SweepRun Read(string dir, SweepCell cell)
    {
        var report = RunSummary.Read(new RunLayout(dir).Report);
        var trajectory = MetricsLog.ReadEvaluations(dir).ToList();
        if (trajectory.Count == 0) throw new MftException($"{dir}: {RunLayout.ReportFile} exists but {RunLayout.MetricsFile} has no evaluations; delete the folder to rerun it");
        return new SweepRun(cell.Domain, cell.Budget, cell.Seed, cell.Method.Name, report.TrainSamples, report.TrainableParameters, trajectory, report.ElapsedSeconds)
            { Tasks = report.Tasks ?? [] };
    }
}
