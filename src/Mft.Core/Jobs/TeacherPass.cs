using Mft.Cluster;
using Mft.Models;
using Mft.Runtime;
using Mft.Teachers;
using Mft.Data;

namespace Mft.Jobs;

/// <summary>
/// The teacher pass on its own (<c>mft teacher-cache</c>): reads the job's data exactly as <see cref="FinetuneJob"/>
/// does, runs the base model (the MFT/KD teacher; adapters are never part of it) over a share of the training rows
/// and saves that share's cache (<see cref="TeacherCacheShards"/>), or the whole cache for <see cref="Shard.All"/>.
/// Shares are contiguous runs of whole batches, so the joined cache holds the numbers one pass would compute. The
/// job that uses the cache joins the shares and checks their fingerprint.
/// </summary>
public static class TeacherPass
{
    /// <summary>Computes the share and returns the file written.</summary>
    public static string Run(FinetuneJobConfig config, Shard shard)
    {
        var t = config.Trainer;
        t.Validate();
        if (!t.Kind.NeedsTeacher || (t.TeacherCacheTopK <= 0 && !t.TeacherCacheExact))
            throw new MftException("the teacher pass needs a method with a teacher (--method mft or kd) and a cache: --teacher-cache-exact or --teacher-cache-topk K");
        if (string.IsNullOrWhiteSpace(config.ModelDirectory)) throw new MftException("--model is required");
        if (string.IsNullOrWhiteSpace(config.DataPath)) throw new MftException("--data is required");
        if (config.TeacherCachePath is null && string.IsNullOrWhiteSpace(config.OutputDirectory))
            throw new MftException("--teacher-cache is required (the cache file; shards are written beside it)");
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        var data = FinetuneData.Read(config);
        using var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        var model = pretrained.Model;
        var rows = data.Rows(pretrained.Tokenizer, data.IsChat ? pretrained.Chat : null, t);
        var fingerprint = TeacherCache.ComputeFingerprint(model, TeacherCache.TokenizerIdentity(config.ModelDirectory), rows, t.TeacherCacheTopK);
        var teacher = new FrozenModelTeacher(model);   // not disposed here: the model belongs to pretrained
        var path = config.TeacherCacheFile;
        if (t.TeacherCacheExact) return RunExact(config, shard, model, rows, teacher, fingerprint, path);
        int vocab = model.Config.VocabSize;
        if (shard.IsAll)
        {
            using var cache = TeacherCache.Build(teacher, rows, vocab, t.TeacherCacheTopK, t.BatchSize, fingerprint, model.Device);
            cache.Save(path);
            return path;
        }
        var (start, length) = shard.RangeOf(rows.Count, t.BatchSize);
        var share = rows.Skip(start).Take(length).ToList();
        var positions = TeacherCache.Positions(teacher, share, vocab, t.TeacherCacheTopK, t.BatchSize, model.Device);
        TeacherCacheShards.Save(path, shard, TeacherCache.Kind, fingerprint, start, length, rows.Count, TeacherCache.ShardParameters(t.TeacherCacheTopK, vocab), positions);
        foreach (var p in positions.Values) p.Dispose();
        return TeacherCacheShards.PathOf(path, shard);
    }

    /// <summary>The exact cache's share: the base model's hidden states at the share's positions.</summary>
    private static string RunExact(FinetuneJobConfig config, Shard shard, CausalLM model, IReadOnlyList<Data.TokenSequence> rows,
        FrozenModelTeacher teacher, string fingerprint, string path)
    {
        int batch = config.Trainer.BatchSize;
        if (shard.IsAll)
        {
            using var head = model.OutputWeight;
            var cache = ExactTeacherCache.Build(teacher, rows, head, batch, fingerprint, model.Device);
            cache.Save(path);
            return path;
        }
        var (start, length) = shard.RangeOf(rows.Count, batch);
        using var hidden = ExactTeacherCache.Positions(teacher, rows.Skip(start).Take(length).ToList(), model.Config.HiddenSize, batch, model.Device);
        TeacherCacheShards.Save(path, shard, ExactTeacherCache.Kind, fingerprint, start, length, rows.Count,
            new Dictionary<string, string> { ["hidden_size"] = model.Config.HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new Dictionary<string, TorchSharp.torch.Tensor> { ["hidden"] = hidden });
        return TeacherCacheShards.PathOf(path, shard);
    }
}
