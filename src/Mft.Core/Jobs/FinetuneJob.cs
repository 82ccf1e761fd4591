using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mft.Adapters;
using Mft.Data;
using Mft.Distributed;
using Mft.Evaluation;
using Mft.Models;
using Mft.Runtime;
using Mft.Runs;
using Mft.Teachers;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>
/// Runs one finetuning job end to end, as a recipe of steps (<see cref="Run"/>): set up (read and split the data, load
/// the base model, tokenize, choose the teacher: <see cref="FinetuneSetup"/>, <see cref="FinetuneTeacher"/>), measure the
/// base model, train (FT, MFT or KD), evaluate (keep-best, the teacher cache's fidelity, the task files' scores), and save
/// the tuned model in Hugging Face format with report.json, metrics.jsonl and the resolved config beside it.
/// </summary>
public sealed class FinetuneJob(FinetuneJobConfig config)
{
    /// <summary>The task files, read and checked before the output folder is touched.</summary>
    private ChoiceTaskSet _tasks = ChoiceTaskSet.Empty;
    /// <summary>The base model's scores on them (rank 0).</summary>
    private BaseTaskScores? _baseTasks;

    /// <summary>After every optimizer step: its metrics and the total number of steps.</summary>
    public event Action<StepMetrics, int>? StepCompleted;
    /// <summary>After every evaluation (base model first, then as <see cref="TrainerConfig.Evaluations"/> says): perplexities, S and D.</summary>
    public event Action<EvaluationPoint>? Evaluated;
    /// <summary>When the job enters a phase ("reading data", "loading model", "training", "saving", ...).</summary>
    public event Action<string>? Status;
    /// <summary>A line for the user that is not a phase: which precision auto chose, or a warning that bf16 is slow on this CPU.</summary>
    public event Action<string>? Notice;

    /// <summary>
    /// The processes that train together: the ranks of the MPI job this process belongs to (<c>mpirun -n N</c>, <c>srun
    /// -n N</c>; <see cref="ProcessGroups.Detect"/>), else this process alone. Each rank takes its share of every global
    /// batch (<see cref="DataParallel"/>); rank 0 evaluates and writes every file.
    /// </summary>
    public IProcessGroup Ranks { get; init; } = ProcessGroups.Detect();

    /// <summary>
    /// Runs the job to the end and writes the tuned model (or adapter), report.md, report.json and metrics.jsonl
    /// to <see cref="FinetuneJobConfig.OutputDirectory"/>. Invalid settings and unreadable inputs throw
    /// <see cref="MftException"/> before the output folder is touched. Cancelling saves a checkpoint that
    /// <see cref="FinetuneJobConfig.Resume"/> continues from, then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <returns>Where the model was written, the final evaluation (S and D in <see cref="EvaluationPoint.Report"/>) and the trajectory.</returns>
    /// <remarks>Under MPI an exception on any rank ends the whole job (MPI_Abort): no rank waits for one that failed.</remarks>
    public FinetuneResult Run(CancellationToken cancel = default) => Ranks.AbortOnFailure(() => RunOnRank(cancel));

    private FinetuneResult RunOnRank(CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        CheckInputs();
        PrecisionChoice.Resolve(config.Trainer.Precision, line => Notice?.Invoke(line));   // says what auto chose; warns when bf16 is slow here
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        using var setup = FinetuneSetup.Open(config, phase => Status?.Invoke(phase), Ranks);   // data, model, teacher
        if (Ranks.IsRoot) MeasureBase(setup);
        var (history, state) = Train(setup, cancel);
        if (!Ranks.IsRoot) return AfterRoot(setup, state, watch);
        var (final, fidelity) = Evaluate(setup, history, state);
        var tasks = ScoreTasks(setup);
        var result = Save(setup, history, state, final, fidelity, watch.Elapsed, tasks);
        Ranks.Barrier();   // the other ranks return once the model and report are written
        return result;
    }

    /// <summary>A rank other than 0: waits for rank 0 to write the run, and returns the result it recorded (metrics.jsonl).</summary>
    private FinetuneResult AfterRoot(FinetuneSetup setup, TrainingState state, Stopwatch watch)
    {
        Ranks.Barrier();
        var history = MetricsLog.ReadEvaluations(setup.Layout.Directory).ToList();
        var final = config.Trainer.KeepsBestWeights && state.BestStep >= 0 ? history.Last(p => p.Step == state.BestStep) : history.Last();
        return new FinetuneResult(setup.Adapter is null ? setup.Layout.Model : setup.Layout.Adapter, final, history, state,
            setup.Data.Split.Train.Count, setup.Rows.Sum(r => (long)r.Ids.Length), watch.Elapsed);
    }

    /// <summary>Checks the settings, the task files, the output folder and a checkpoint to resume from, before anything else is read or written.</summary>
    private void CheckInputs()
    {
        config.Validate();
        _tasks = ChoiceTaskSet.Read(config.TaskPaths);
        OutputFolder.Check(config.OutputDirectory, config.Overwrite, config.Resume);
        if (config.Resume && TrainingCheckpoint.Find(config.OutputDirectory) is { } resumeFrom)
            TrainingCheckpoint.ReadState(resumeFrom);   // a damaged checkpoint is refused before anything is written beside it
    }

    /// <summary>The base model's perplexities and task scores: given by the caller, read back when resuming, or measured now and kept for a resume.</summary>
    private void MeasureBase(FinetuneSetup setup)
    {
        MeasureBasePerplexities(setup);
        if (_tasks.Count > 0) _baseTasks = MeasureBaseTasks(setup);
    }

    private void MeasureBasePerplexities(FinetuneSetup setup)
    {
        Status?.Invoke("measuring the base model");
        var baseFile = setup.Layout.BasePerplexities;
        if (config.BasePerplexities is { } known)
            setup.Evaluator.SetBase(known);
        else if (File.Exists(baseFile) && TrainingCheckpoint.Find(config.OutputDirectory) is not null)
            setup.Evaluator.SetBase(BasePerplexities.Read(baseFile));
        else
        {
            setup.Evaluator.SetBase(setup.Student);
            Checkpoints.AtomicFile.WriteAllText(baseFile, setup.Evaluator.Base.ToJson());
        }
    }

    /// <summary>The base model's task scores, as <see cref="MeasureBasePerplexities"/> has its perplexities (the student before its first step, in fp32).</summary>
    private BaseTaskScores MeasureBaseTasks(FinetuneSetup setup)
    {
        var file = setup.Layout.BaseTaskScores;
        if (config.BaseTaskScores is { } known) return known;
        if (File.Exists(file) && TrainingCheckpoint.Find(config.OutputDirectory) is not null && BaseTaskScores.Read(file) is { } kept && kept.AreFor(_tasks.Paths))
            return kept;
        Status?.Invoke("scoring the base model on the tasks");
        var measured = new BaseTaskScores(_tasks.Paths, ScoreTasks(setup.Student, setup.Pretrained.Tokenizer));
        Checkpoints.AtomicFile.WriteAllText(file, measured.ToJson());
        return measured;
    }

    /// <summary>The returned weights' scores on the task files next to the base model's; none without tasks.</summary>
    private IReadOnlyList<TaskScores> ScoreTasks(FinetuneSetup setup)
    {
        if (_tasks.Count == 0) return [];
        Status?.Invoke("scoring the tuned model on the tasks");
        var tuned = ScoreTasks(setup.Student, setup.Pretrained.Tokenizer);
        return TaskScores.Pair(_tasks.Paths, _baseTasks!.Results, tuned);
    }

    /// <summary>The model's scores on the task files at the training context, outside any autocast region: fp32, as every evaluation.</summary>
    private IReadOnlyList<ChoiceTaskResult> ScoreTasks(CausalLM model, Tokenization.ITextTokenizer tokenizer) =>
        _tasks.Evaluate(model, tokenizer, config.Trainer.ContextLength, config.EvalBatchSize);

    /// <summary>Trains to the end (resuming from the run folder's checkpoint, if any); cancelled, the checkpoint is saved and this throws.</summary>
    private (IReadOnlyList<EvaluationPoint> History, TrainingState State) Train(FinetuneSetup setup, CancellationToken cancel)
    {
        var t = config.Trainer;
        // The fingerprint sees the global batch: a run resumes on another number of ranks when grad_accum x ranks is the same.
        var global = t with { GradientAccumulation = t.GradientAccumulation * Ranks.Size };
        var trainer = new Trainer(t, setup.Student, setup.Teacher, setup.Rows, setup.Evaluator, setup.Record, Fingerprint(setup.Rows, global, setup.Adapter), Ranks);
        trainer.StepCompleted += m => StepCompleted?.Invoke(m, trainer.TotalSteps);
        trainer.Evaluated += p => Evaluated?.Invoke(p);
        Status?.Invoke("training");
        var state = trainer.Run(cancel);
        if (state.Step < trainer.TotalSteps && !state.StoppedEarly)
            throw new OperationCanceledException($"stopped at step {state.Step} of {trainer.TotalSteps}; checkpoint saved in {setup.Layout.Checkpoint}, continue with --resume");
        return (trainer.History, state);
    }

    /// <summary>
    /// The weights the run returns and their evaluation: the last step's, or under keep-best the best step's (restored);
    /// with the top-k cache, its fidelity check against the exact teacher.
    /// </summary>
    private (EvaluationPoint Final, TeacherCacheFidelity? Fidelity) Evaluate(FinetuneSetup setup, IReadOnlyList<EvaluationPoint> history, TrainingState state)
    {
        var final = history.Last();
        if (config.Trainer.KeepsBestWeights && state.BestStep >= 0 && setup.Record.RestoreBestWeights(setup.Student))
            final = history.Last(p => p.Step == state.BestStep);
        if (setup.Teacher is not TopKTeacherCache) return (final, null);
        Status?.Invoke("checking the teacher cache against the exact teacher");
        return (final, CheckTeacherCache(history, setup));
    }

    /// <summary>The run's first steps again, from freshly loaded weights with the exact teacher (<see cref="TeacherCacheFidelity"/>).</summary>
    private TeacherCacheFidelity CheckTeacherCache(IReadOnlyList<EvaluationPoint> history, FinetuneSetup setup)
    {
        var t = config.Trainer with { GradientAccumulation = config.Trainer.GradientAccumulation * Ranks.Size };   // one process, the same global batch
        using var fresh = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        if (setup.Adapter is not null) ModelAdapters.Attach(fresh.Model, setup.Adapter, t.Seed, t.ResolvedPrecision());
        using var exact = FinetuneTeacher.Online(t, fresh.Model, setup.Adapter is not null)!;
        double cachedFirstLoss = MetricsLog.StepLoss(setup.Layout.Directory, 1) ?? double.NaN;
        return TeacherCacheFidelity.Measure(t, fresh.Model, exact, setup.Rows, setup.Evaluator, history, cachedFirstLoss, setup.Layout.TeacherCacheCheck);
    }

    /// <summary>Writes the tuned model (or adapter) and the run's reports, and deletes the checkpoint: the run is finished.</summary>
    private FinetuneResult Save(FinetuneSetup setup, IReadOnlyList<EvaluationPoint> history, TrainingState state, EvaluationPoint final,
        TeacherCacheFidelity? fidelity, TimeSpan elapsed, IReadOnlyList<TaskScores> tasks)
    {
        Status?.Invoke("saving");
        var (student, adapter, layout) = (setup.Student, setup.Adapter, setup.Layout);
        var modelDir = adapter is null ? layout.Model : layout.Adapter;
        if (adapter is null) ModelFactory.Save(student, modelDir, config.ModelDirectory);
        else PeftAdapterFiles.Save(student, adapter, modelDir);
        var result = new FinetuneResult(modelDir, final, history, state, setup.Data.Split.Train.Count, setup.Rows.Sum(r => (long)r.Ids.Length), elapsed)
        {
            ReplaySamples = setup.Data.Replay.Count,
            TrainableParameters = student.parameters().Where(p => p.requires_grad).Sum(p => p.NumberOfElements),
            TeacherCopyBytes = setup.TeacherBytes,
            TeacherCacheFidelity = fidelity,
            Precision = config.Trainer.ResolvedPrecision(),
            Tasks = tasks,
        };
        RunReport.Write(config, result);
        if (Directory.Exists(layout.Checkpoint)) Directory.Delete(layout.Checkpoint, true);
        return result;
    }

    /// <summary>The run's fingerprint, kept in its checkpoints: a resume with other rows, trainer settings or adapter is refused.</summary>
    private static string Fingerprint(IReadOnlyList<TokenSequence> rows, TrainerConfig t, AdapterConfig? adapter)
    {
        using var sha = SHA256.Create();
        var bytes = new List<byte>();
        foreach (var r in rows) foreach (var id in r.Ids) bytes.AddRange(BitConverter.GetBytes(id));
        bytes.AddRange(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(t)));
        if (adapter is not null) bytes.AddRange(Encoding.UTF8.GetBytes(adapter.ToPeftJson().ToJsonString()));
        return Convert.ToHexString(sha.ComputeHash(bytes.ToArray()))[..16];
    }
}
