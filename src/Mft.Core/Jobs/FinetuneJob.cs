using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mft.Adapters;
using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Runtime;
using Mft.Tokenization;
using Mft.Runs;
using Mft.Teachers;
using Mft.Training;
using static TorchSharp.torch;

namespace Mft.Jobs;

/// <summary>
/// Runs one finetuning job end to end: load the base model, split and tokenize the data, measure the base
/// model, train (FT, MFT or KD, with a frozen copy of the base model as teacher), evaluate, and save the tuned
/// model in Hugging Face format with report.json, metrics.jsonl and the resolved config beside it.
/// </summary>
public sealed class FinetuneJob(FinetuneJobConfig config)
{
    /// <summary>After every optimizer step: its metrics and the total number of steps.</summary>
    public event Action<StepMetrics, int>? StepCompleted;
    /// <summary>After every evaluation (base model first, then as <see cref="TrainerConfig.Evaluations"/> says): perplexities, S and D.</summary>
    public event Action<EvaluationPoint>? Evaluated;
    /// <summary>When the job enters a phase ("reading data", "loading model", "training", "saving", ...).</summary>
    public event Action<string>? Status;

    /// <summary>
    /// Runs the job to the end and writes the tuned model (or adapter), report.md, report.json and metrics.jsonl
    /// to <see cref="FinetuneJobConfig.OutputDirectory"/>. Invalid settings and unreadable inputs throw
    /// <see cref="MftException"/> before the output folder is touched. Cancelling saves a checkpoint that
    /// <see cref="FinetuneJobConfig.Resume"/> continues from, then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <returns>Where the model was written, the final evaluation (S and D in <see cref="EvaluationPoint.Report"/>) and the trajectory.</returns>
    public FinetuneResult Run(CancellationToken cancel = default)
    {
        config.Validate();
        var watch = Stopwatch.StartNew();
        OutputFolder.Check(config.OutputDirectory, config.Overwrite, config.Resume);
        if (config.Resume && TrainingCheckpoint.Find(config.OutputDirectory) is { } resumeFrom)
            TrainingCheckpoint.ReadState(resumeFrom);   // a damaged checkpoint is refused before anything is written beside it
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        var t = config.Trainer;

        Status?.Invoke("reading data");
        var data = FinetuneData.Read(config);

        Status?.Invoke("loading model");
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        var student = pretrained.Model;
        student.Config.RequireContext(t.ContextLength);
        var tok = pretrained.Tokenizer;
        var adapter = config.Adapter is { } a ? a with { BaseModel = a.BaseModel ?? Path.GetFullPath(config.ModelDirectory) } : null;
        if (adapter is not null) ModelAdapters.Attach(student, adapter, t.Seed);
        var chat = data.IsChat ? pretrained.Chat : null;
        var rows = data.Rows(tok, chat, t);
        var evaluator = data.Evaluator(tok, chat, t.ContextLength, config.EvalBatchSize);

        // A teacher cache already on disk (the file, or its shards) is read and checked against this run now: a stale or
        // cut-short one is refused before the output folder is touched. One inside a folder about to be replaced goes with it.
        var kind = t.TeacherCache();
        bool cacheInOutput = Path.GetFullPath(config.TeacherCacheFile).StartsWith(Path.GetFullPath(config.OutputDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        // The cache's fingerprint hashes every weight: computed once, for the check now and for a build below.
        var cacheTarget = kind is null ? null
            : new TeacherCacheTarget(rows, kind.Fingerprint(student, config.ModelDirectory, rows), student, SharesHead: adapter is not null, t.BatchSize);
        var existing = kind is not null && !(cacheInOutput && OutputFolder.Replaces(config.OutputDirectory, config.Overwrite, config.Resume))
            ? kind.Open(config.TeacherCacheFile, cacheTarget!, online: null)
            : null;

        // Every input has been read and checked: only now is the output folder touched.
        OutputFolder.Prepare(config.OutputDirectory, config.Overwrite, config.Resume);
        var fingerprint = Fingerprint(rows, t, adapter);
        var online = CreateTeacher(t, student, adapter is not null);
        long teacherCopyBytes = online is FrozenModelTeacher ? student.ParameterCount() * 4 : 0;
        if (online is not null && kind is not null)
        {
            Status?.Invoke($"caching {kind.Contents}");
            var cache = existing ?? kind.Open(config.TeacherCacheFile, cacheTarget!, online)!;
            if (cache.File is null) cache.Save(config.TeacherCacheFile);
            online.Dispose();   // the frozen copy is no longer needed: the cache (with the output head, for the exact kind) replaces it
            online = cache;
            teacherCopyBytes = cache.Bytes + kind.HeadCopyBytes(cacheTarget!);
        }
        using var teacher = online;
        Status?.Invoke("measuring the base model");
        var layout = new RunLayout(config.OutputDirectory);
        var baseFile = layout.BasePerplexities;
        if (config.BasePerplexities is { } known)
            evaluator.SetBase(known);
        else if (File.Exists(baseFile) && TrainingCheckpoint.Find(config.OutputDirectory) is not null)
            evaluator.SetBase(BasePerplexities.Read(baseFile));
        else
        {
            evaluator.SetBase(student);
            Checkpoints.AtomicFile.WriteAllText(baseFile, evaluator.Base.ToJson());
        }

        var trainer = new Trainer(t, student, teacher, rows, evaluator, new RunFolderRecord(layout), fingerprint);
        trainer.StepCompleted += m => StepCompleted?.Invoke(m, trainer.TotalSteps);
        trainer.Evaluated += p => Evaluated?.Invoke(p);
        Status?.Invoke("training");
        var state = trainer.Run(cancel);
        if (state.Step < trainer.TotalSteps && !state.StoppedEarly)
            throw new OperationCanceledException($"stopped at step {state.Step} of {trainer.TotalSteps}; checkpoint saved in {TrainingCheckpoint.PathIn(config.OutputDirectory)}, continue with --resume");

        var final = trainer.History.Last();
        if (t.KeepsBestWeights && state.BestStep >= 0 && BestWeights.TryRestore(config.OutputDirectory, student))
            final = trainer.History.Last(p => p.Step == state.BestStep);

        TeacherCacheFidelity? fidelity = null;
        if (teacher is TopKTeacherCache)
        {
            Status?.Invoke("checking the teacher cache against the exact teacher");
            fidelity = CheckTeacherCache(trainer.History, rows, evaluator, adapter, layout);
        }

        Status?.Invoke("saving");
        var modelDir = adapter is null ? layout.Model : layout.Adapter;
        if (adapter is null) ModelFactory.Save(student, modelDir, config.ModelDirectory);
        else PeftAdapterFiles.Save(student, adapter, modelDir);
        var result = new FinetuneResult(modelDir, final, trainer.History, state, data.Split.Train.Count, rows.Sum(r => (long)r.Ids.Length), watch.Elapsed)
        {
            ReplaySamples = data.Replay.Count,
            TrainableParameters = student.parameters().Where(p => p.requires_grad).Sum(p => p.NumberOfElements),
            TeacherCopyBytes = teacherCopyBytes,
            TeacherCacheFidelity = fidelity,
        };
        RunReport.Write(config, result);
        var checkpoint = TrainingCheckpoint.PathIn(config.OutputDirectory);
        if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, true);
        return result;
    }

    /// <summary>
    /// The MFT teacher: with adapters, the student's own base weights with adapters off (no copy); otherwise a
    /// frozen copy of the starting weights. Null when the method needs no teacher.
    /// </summary>
    private static ITeacher? CreateTeacher(TrainerConfig t, CausalLM student, bool adapters)
    {
        if (!CreatesTeacher(t)) return null;
        return adapters ? new AdaptersOffTeacher(student) : FrozenModelTeacher.CopyOf(student);
    }

    private static bool CreatesTeacher(TrainerConfig t) => t.CreateObjective().NeedsTeacher;

    /// <summary>The run's first steps again, from freshly loaded weights with the exact teacher (<see cref="TeacherCacheFidelity"/>).</summary>
    private TeacherCacheFidelity CheckTeacherCache(IReadOnlyList<EvaluationPoint> history, IReadOnlyList<TokenSequence> rows,
        SpecializationEvaluator evaluator, AdapterConfig? adapter, RunLayout layout)
    {
        var t = config.Trainer;
        using var fresh = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        if (adapter is not null) ModelAdapters.Attach(fresh.Model, adapter, t.Seed);
        using var exact = CreateTeacher(t, fresh.Model, adapter is not null)!;
        double cachedFirstLoss = MetricsLog.StepLoss(layout.Directory, 1) ?? double.NaN;
        return TeacherCacheFidelity.Measure(t, fresh.Model, exact, rows, evaluator, history, cachedFirstLoss, layout.TeacherCacheCheck);
    }

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
