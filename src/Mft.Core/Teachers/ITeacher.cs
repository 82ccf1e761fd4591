using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The source of teacher logits for distillation objectives. <see cref="Run"/> is called once per batch; the
/// returned handle gives logits for ranges of the flattened (B * T) positions, so that they can be produced
/// chunk by chunk. Implementations: a frozen copy of the base model (<see cref="FrozenModelTeacher"/>); the
/// same weights with adapters switched off (<see cref="AdaptersOffTeacher"/>); the teacher caches
/// (<see cref="TeacherCache"/>: hidden states or top-k outputs), which look the rows up instead of running a model.
/// </summary>
public interface ITeacher : IDisposable
{
    /// <param name="inputs">(B, T) token ids of the collated batch.</param>
    /// <param name="rows">the training rows the batch was collated from, in order.</param>
    ITeacherBatch Run(Tensor inputs, IReadOnlyList<TokenSequence> rows);
}

/// <summary>Teacher outputs for one batch. Tensors belong to the caller's dispose scope.</summary>
public interface ITeacherBatch
{
    /// <summary>
    /// Teacher logits (length, V) for flattened positions [start, start + length), without gradient. A cached
    /// teacher that kept only its top-k shapes the rest of its distribution like the student's
    /// (<paramref name="studentLogits"/>, the same positions, detached); full teachers ignore it.
    /// </summary>
    Tensor Logits(long start, long length, Tensor? studentLogits = null);
}
