using Mft.Cluster;
using Mft.Distributed;
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
    /// <summary>
    /// Computes the share and returns the file written. Under MPI (<see cref="ProcessGroups.Detect"/>) the whole cache is
    /// computed in shares by the ranks and joined by rank 0 (<see cref="Shared"/>); a rank's failure ends the job.
    /// </summary>
    public static string Run(FinetuneJobConfig config, Shard shard)
    {
        var ranks = ProcessGroups.Detect();
        return ranks.AbortOnFailure(() => Run(config, shard, ranks));
    }

    private static string Run(FinetuneJobConfig config, Shard shard, IProcessGroup ranks)
    {
        var kind = Check(config);
        if (ranks.Size > 1 && !shard.IsAll)
            throw MftException.NamingOptions($"{{shard}} {shard} under MPI ({ranks.Size} ranks): the ranks already share the rows; choose one");
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        var data = FinetuneData.Read(config);
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        var model = pretrained.Model;
        var rows = data.Rows(pretrained.Tokenizer, data.IsChat ? pretrained.Chat : null, config.Trainer);
        var precision = config.Trainer.ResolvedPrecision();
        var target = new TeacherCacheTarget(rows, kind.Fingerprint(model, config.ModelDirectory, rows, precision), model, SharesHead: true, config.Trainer.BatchSize, precision);
        var teacher = new FrozenModelTeacher(model);   // not disposed here: the model belongs to pretrained
        if (ranks.Size == 1) return kind.Write(config.TeacherCacheFile, shard, teacher, target);
        Shared(ranks, kind, config.TeacherCacheFile, teacher, target);
        return config.TeacherCacheFile;
    }

    /// <summary>
    /// The whole cache computed by the ranks of an MPI job: rank r writes share r+1 of N beside <paramref name="path"/>
    /// (<see cref="TeacherCacheShards"/>), rank 0 joins them into <paramref name="path"/> (the bytes one pass writes) and
    /// deletes them; every rank returns once the cache is there.
    /// </summary>
    public static void Shared(IProcessGroup ranks, TeacherCacheKind kind, string path, ITeacher teacher, TeacherCacheTarget target)
    {
        if (ranks.IsRoot && File.Exists(path)) File.Delete(path);   // replaced, as one pass replaces it; the join would read it instead
        kind.Write(path, new Shard(ranks.Rank + 1, ranks.Size), teacher, target);
        ranks.Barrier();
        if (ranks.IsRoot)
        {
            using (var joined = kind.Open(path, target, online: null)!) joined.Save(path);
            for (int k = 1; k <= ranks.Size; k++) File.Delete(TeacherCacheShards.PathOf(path, new Shard(k, ranks.Size)));
        }
        ranks.Barrier();
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
