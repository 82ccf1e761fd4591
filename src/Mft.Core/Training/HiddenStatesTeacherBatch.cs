using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>Teacher outputs kept as final hidden states (B*T, C); logits are projected per chunk on demand.</summary>
internal sealed class HiddenStatesTeacherBatch(CausalLM model, Tensor hidden) : ITeacherBatch
{
    public Tensor Logits(long start, long length, Tensor? studentLogits = null)
    {
        using var _ = inference_mode();
        return model.Logits(hidden.narrow(0, start, length));                   // (n, V)
    }
}
