using Mft.Models;
using Mft.Data;
using Mft.Distributed;
using Mft.Runs;
using Mft.Teachers;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>
/// The teacher of a finetuning job, in two steps around the output folder: <see cref="Check"/> reads a teacher cache
/// already on disk (the file, or its shards) and checks it against this run before the folder is touched, so a stale
/// or cut-short one is refused first; <see cref="Create"/> then gives the trainer its teacher: none (ft), the online
/// one (<see cref="Online"/>), or the cache of the kind the options choose, opened or built from the online one and
/// saved, which replaces it.
/// </summary>
internal sealed class FinetuneTeacher
{
    private readonly FinetuneJobConfig _config;
    private readonly CausalLM _student;
    private readonly bool _adapters;
    private readonly TeacherCacheKind? _kind;
    private readonly TeacherCacheTarget? _target;
    private readonly TeacherCache? _existing;

    private FinetuneTeacher(FinetuneJobConfig config, CausalLM student, bool adapters, TeacherCacheKind? kind, TeacherCacheTarget? target, TeacherCache? existing) =>
        (_config, _student, _adapters, _kind, _target, _existing) = (config, student, adapters, kind, target, existing);

    /// <summary>
    /// Before the output folder is prepared: the cache kind, its fingerprint (it hashes every weight: computed once, for
    /// this check and for a build) and the cache already on disk, read and checked. One inside a folder about to be
    /// replaced goes with it, so it is not read.
    /// </summary>
    public static FinetuneTeacher Check(FinetuneJobConfig config, CausalLM student, IReadOnlyList<TokenSequence> rows, bool adapters)
    {
        var kind = config.Trainer.TeacherCache();
        if (kind is null) return new FinetuneTeacher(config, student, adapters, null, null, null);
        var target = new TeacherCacheTarget(rows, kind.Fingerprint(student, config.ModelDirectory, rows), student, SharesHead: adapters, config.Trainer.BatchSize);
        bool cacheInOutput = Path.GetFullPath(config.TeacherCacheFile).StartsWith(Path.GetFullPath(config.OutputDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var existing = cacheInOutput && OutputFolder.Replaces(config.OutputDirectory, config.Overwrite, config.Resume)
            ? null
            : kind.Open(config.TeacherCacheFile, target, online: null);
        return new FinetuneTeacher(config, student, adapters, kind, target, existing);
    }

    /// <summary>
    /// After the output folder is prepared: the trainer's teacher (null when the method needs none) and the memory it
    /// holds beyond the student (a frozen copy's fp32 size, the cache's size with the exact kind's head copy, or 0).
    /// </summary>
    public (ITeacher? Teacher, long Bytes) Create(Action<string> status, IProcessGroup ranks)
    {
        var online = Online(_config.Trainer, _student, _adapters);
        long bytes = online is FrozenModelTeacher ? _student.ParameterCount() * 4 : 0;
        if (online is null || _kind is null) return (online, bytes);
        status($"caching {_kind.Contents}");
        if (_existing is null && ranks.Size > 1) TeacherPass.Shared(ranks, _kind, _config.TeacherCacheFile, online, _target!);   // each rank a share
        var cache = _existing ?? _kind.Open(_config.TeacherCacheFile, _target!, online)!;
        if (cache.File is null) cache.Save(_config.TeacherCacheFile);
        online.Dispose();   // the frozen copy is no longer needed: the cache (with the output head, for the exact kind) replaces it
        return (cache, cache.Bytes + _kind.HeadCopyBytes(_target!));
    }

    /// <summary>
    /// The online MFT teacher: with adapters, the student's own base weights with adapters off (no copy); otherwise a
    /// frozen copy of the starting weights. Null when the method needs no teacher.
    /// </summary>
    public static ITeacher? Online(TrainerConfig t, CausalLM student, bool adapters)
    {
        if (!t.Kind.NeedsTeacher) return null;
        return adapters ? new AdaptersOffTeacher(student) : FrozenModelTeacher.CopyOf(student);
    }
}
