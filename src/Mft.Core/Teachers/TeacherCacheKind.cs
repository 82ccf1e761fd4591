using Mft.Cluster;
using Mft.Data;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// A kind of teacher cache (<see cref="TeacherCache"/>), and everything done with one: which kind a run's options
/// choose (<see cref="Of"/>), its file name, its fingerprint, building it whole or one shard's share, joining the
/// shards, loading and checking a saved one. The recipes (<c>FinetuneJob</c>, <c>TeacherPass</c>) and the sweep call
/// this, never a kind's class directly.
/// </summary>
public abstract class TeacherCacheKind
{
    private protected TeacherCacheKind() { }

    /// <summary>
    /// The kind the options <c>teacher_cache_exact</c> and <c>teacher_cache_topk</c> choose: the hidden states when
    /// <paramref name="exact"/>, else the top-k summary when <paramref name="topK"/> is positive; null for no cache.
    /// </summary>
    public static TeacherCacheKind? Of(int topK, bool exact) => exact ? new ExactCacheKind() : topK > 0 ? new TopKCacheKind(topK) : null;

    /// <summary>The default file name of the cache those options choose (the top-k one's when they choose none).</summary>
    public static string FileNameOf(int topK, bool exact) => Of(topK, exact)?.FileName ?? TopKTeacherCache.FileName;

    /// <summary>The kind's name in shard files (<see cref="TeacherCacheShards"/>).</summary>
    public abstract string Name { get; }

    /// <summary>The cache's file name when a run keeps its own (in its output folder).</summary>
    public abstract string FileName { get; }

    /// <summary>What the cache holds, for people: "the teacher's top-k outputs".</summary>
    public abstract string Contents { get; }

    /// <summary>The kind's parameter in the fingerprint: k for the top-k summary, 0 for the exact kind.</summary>
    private protected abstract int FingerprintParameter { get; }

    /// <summary>The fingerprint of a cache of this kind for <paramref name="rows"/> and the base weights of <paramref name="model"/> (adapters excluded) with the tokenizer in <paramref name="modelDirectory"/>.</summary>
    public string Fingerprint(CausalLM model, string modelDirectory, IReadOnlyList<TokenSequence> rows, Runtime.Precision precision = Runtime.Precision.Fp32) =>
        TeacherCache.ComputeFingerprint(model, TeacherCache.TokenizerIdentity(modelDirectory), rows, FingerprintParameter, precision);

    /// <summary>Memory the cache needs beside itself: the exact kind's copy of the output head when it cannot share it.</summary>
    public virtual long HeadCopyBytes(TeacherCacheTarget target) => 0;

    /// <summary>Runs <paramref name="teacher"/> over every row of the target once and keeps what this kind keeps.</summary>
    public abstract TeacherCache Build(ITeacher teacher, TeacherCacheTarget target);

    /// <summary>Reads the cache saved at <paramref name="path"/>, refusing another file and one with another fingerprint (errors name the file).</summary>
    public abstract TeacherCache Load(string path, TeacherCacheTarget target);

    /// <summary>The cache from its shards' per-position tensors, checked against the target's positions.</summary>
    private protected abstract TeacherCache Join(TeacherCacheShards.Joined joined, TeacherCacheTarget target);

    /// <summary>The per-position tensors of <paramref name="share"/> (a run of whole batches from a batch boundary), as a shard file holds them.</summary>
    private protected abstract Dictionary<string, Tensor> Positions(ITeacher teacher, IReadOnlyList<TokenSequence> share, TeacherCacheTarget target);

    /// <summary>What a shard file records of the kind besides its tensors.</summary>
    private protected abstract Dictionary<string, string> ShardParameters(TeacherCacheTarget target);

    /// <summary>
    /// The cache for a run: the file at <paramref name="path"/> when there is one (checked against the fingerprint,
    /// else refused); else its shards beside it, joined (all present, of this kind and fingerprint, else refused); else
    /// built from <paramref name="online"/>; null when there is neither file nor shards and <paramref name="online"/> is
    /// null (only what exists is opened). A cache not read from the file has a null <see cref="TeacherCache.File"/>.
    /// </summary>
    public TeacherCache? Open(string path, TeacherCacheTarget target, ITeacher? online)
    {
        if (File.Exists(path)) return Load(path, target);
        using var autocast = Models.Layers.Autocast.Bf16(target.Precision == Runtime.Precision.Bf16);   // the teacher pass in the run's precision
        using var joined = TeacherCacheShards.Join(path, Name, target.Fingerprint, target.Rows.Count);   // the shards' tensors, copied into the cache
        return joined is not null ? Join(joined, target) : online is not null ? Build(online, target) : null;
    }

    /// <summary>
    /// The teacher pass: for <see cref="Shard.All"/> the whole cache, saved at <paramref name="path"/>; else the share
    /// of <paramref name="shard"/>, saved beside it (<see cref="TeacherCacheShards"/>). Returns the file written.
    /// </summary>
    public string Write(string path, Shard shard, ITeacher teacher, TeacherCacheTarget target)
    {
        using var autocast = Models.Layers.Autocast.Bf16(target.Precision == Runtime.Precision.Bf16);
        if (shard.IsAll)
        {
            using var cache = Build(teacher, target);
            cache.Save(path);
            return path;
        }
        var rows = target.Rows;
        var (start, length) = shard.RangeOf(rows.Count, target.BatchSize);
        var positions = Positions(teacher, rows.Skip(start).Take(length).ToList(), target);
        try
        {
            TeacherCacheShards.Save(path, shard, Name, target.Fingerprint, start, length, rows.Count, ShardParameters(target), positions);
        }
        finally
        {
            foreach (var p in positions.Values) p.Dispose();
        }
        return TeacherCacheShards.PathOf(path, shard);
    }
}
