using System.Globalization;
using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The exact kind (<see cref="ExactTeacherCache"/>). Its head is the base model's output weight: read from the model
/// when the target shares it, else a copy taken now (full finetuning moves the student's head). The cache owns it.
/// </summary>
internal sealed class ExactCacheKind : TeacherCacheKind
{
    public override string Name => ExactTeacherCache.Kind;
    public override string FileName => ExactTeacherCache.FileName;
    public override string Contents => "the teacher's hidden states";
    private protected override int FingerprintParameter => 0;

    public override long HeadCopyBytes(TeacherCacheTarget target) =>
        target.SharesHead ? 0 : target.Model.Config.VocabSize * (long)target.Model.Config.HiddenSize * (target.Precision == Runtime.Precision.Bf16 ? 2 : 4);

    public override TeacherCache Build(ITeacher teacher, TeacherCacheTarget target) =>
        WithHead(target, head => ExactTeacherCache.Build(teacher, target.Rows, head, target.BatchSize, target.Fingerprint, target.Model.Device, target.StateType));

    public override TeacherCache Load(string path, TeacherCacheTarget target) =>
        WithHead(target, head => ExactTeacherCache.Load(path, target.Rows, head, target.Fingerprint, target.Model.Device, target.Precision));

    private protected override TeacherCache Join(TeacherCacheShards.Joined joined, TeacherCacheTarget target) =>
        WithHead(target, head => ExactTeacherCache.FromShards(target.Rows, head, target.Fingerprint, joined, target.Model.Device, target.StateType));

    private protected override Dictionary<string, Tensor> Positions(ITeacher teacher, IReadOnlyList<TokenSequence> share, TeacherCacheTarget target) =>
        new() { ["hidden"] = ExactTeacherCache.Positions(teacher, share, target.Model.Config.HiddenSize, target.BatchSize, target.Model.Device, target.StateType) };

    private protected override Dictionary<string, string> ShardParameters(TeacherCacheTarget target) =>
        new() { ["hidden_size"] = target.Model.Config.HiddenSize.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Makes a cache with the target's head, freeing the head when making it fails.</summary>
    private static TeacherCache WithHead(TeacherCacheTarget target, Func<Tensor, TeacherCache> make)
    {
        Tensor head;
        // A copy in bf16 under bf16: exactly the cast the bf16 head product makes, in half the memory.
        using (no_grad()) head = target.SharesHead ? target.Model.OutputWeight : target.Model.OutputWeight.detach().to(target.StateType, copy: true);
        try
        {
            var cache = make(head);
            cache.Precision = target.Precision;
            return cache;
        }
        catch
        {
            head.Dispose();
            throw;
        }
    }
}
