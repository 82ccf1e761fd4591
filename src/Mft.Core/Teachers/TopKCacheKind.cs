using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>The top-k kind (<see cref="TopKTeacherCache"/>) with its k.</summary>
internal sealed class TopKCacheKind(int topK) : TeacherCacheKind
{
    public override string Name => TopKTeacherCache.Kind;
    public override string FileName => TopKTeacherCache.FileName;
    public override string Contents => "the teacher's top-k outputs";
    private protected override int FingerprintParameter => topK;

    public override TeacherCache Build(ITeacher teacher, TeacherCacheTarget target)
    {
        var cache = TopKTeacherCache.Build(teacher, target.Rows, target.Model.Config.VocabSize, topK, target.BatchSize, target.Fingerprint, target.Model.Device);
        cache.Precision = target.Precision;
        return cache;
    }

    public override TeacherCache Load(string path, TeacherCacheTarget target) =>
        TopKTeacherCache.Load(path, target.Rows, target.Fingerprint, target.Model.Device, target.Precision);

    private protected override TeacherCache Join(TeacherCacheShards.Joined joined, TeacherCacheTarget target)
    {
        var cache = TopKTeacherCache.FromShards(target.Rows, target.Fingerprint, joined, target.Model.Device);
        cache.Precision = target.Precision;
        return cache;
    }

    private protected override Dictionary<string, Tensor> Positions(ITeacher teacher, IReadOnlyList<TokenSequence> share, TeacherCacheTarget target) =>
        TopKTeacherCache.Positions(teacher, share, target.Model.Config.VocabSize, topK, target.BatchSize, target.Model.Device);

    private protected override Dictionary<string, string> ShardParameters(TeacherCacheTarget target) =>
        TopKTeacherCache.ShardParameters(topK, target.Model.Config.VocabSize);
}
