using Mft.Cluster;
using Mft.Models;
using Mft.Runtime;
using Mft.Teachers;

namespace Mft.Jobs;

/// <summary>
/// The teacher pass on its own (<c>mft teacher-cache</c>): reads the job's data exactly as <see cref="FinetuneJob"/>
/// does, runs the base model (the MFT/KD teacher; adapters are never part of it) over a share of the training rows
/// and saves that share's cache (<see cref="TeacherCacheShards"/>), or the whole cache for <see cref="Shard.All"/>,
/// of the kind the options choose (<see cref="TeacherCacheKind"/>). Shares are contiguous runs of whole batches, so
/// the joined cache holds the numbers one pass would compute. The job that uses the cache joins the shares and
/// checks their fingerprint.
/// </summary>
public static class TeacherPass
{
    /// <summary>Computes the share and returns the file written.</summary>
    public static string Run(FinetuneJobConfig config, Shard shard)
    {
        var kind = Check(config);
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        var data = FinetuneData.Read(config);
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        var model = pretrained.Model;
        var rows = data.Rows(pretrained.Tokenizer, data.IsChat ? pretrained.Chat : null, config.Trainer);
        var precision = config.Trainer.ResolvedPrecision();
        var target = new TeacherCacheTarget(rows, kind.Fingerprint(model, config.ModelDirectory, rows, precision), model, SharesHead: true, config.Trainer.BatchSize, precision);
        var teacher = new FrozenModelTeacher(model);   // not disposed here: the model belongs to pretrained
        return kind.Write(config.TeacherCacheFile, shard, teacher, target);
    }

    /// <summary>The checks of a teacher pass, before anything is read: a method with a teacher, a cache kind, the inputs and where to write. Returns the kind.</summary>
    public static TeacherCacheKind Check(FinetuneJobConfig config)
    {
        var t = config.Trainer;
        t.Validate();
        if (!t.Kind.NeedsTeacher)
            throw new OptionException("method", $"{t.Method} has no teacher: the teacher pass needs a method with a teacher (mft or kd)");
        var kind = t.TeacherCache()
                   ?? throw new OptionException("teacher_cache_exact", "or {teacher_cache_topk} K is required: a cache kind (hidden states or top-k probabilities)");
        if (string.IsNullOrWhiteSpace(config.ModelDirectory)) throw new OptionException("model", "is required");
        if (string.IsNullOrWhiteSpace(config.DataPath)) throw new OptionException("data", "is required");
        if (config.TeacherCachePath is null && string.IsNullOrWhiteSpace(config.OutputDirectory))
            throw new OptionException("teacher_cache", "FILE is required: the shards are written beside it, and mft train {teacher_cache} FILE joins them");
        return kind;
    }
}
