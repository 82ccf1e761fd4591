using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// Teacher outputs kept as final hidden states (B·T, C); logits are projected through the output head (V, C) per chunk
/// on demand, so no (B·T, V) tensor is built.
/// </summary>
internal sealed class HiddenStatesTeacherBatch(Tensor head, Tensor hidden) : ITeacherBatch
{
    /// <summary>The hidden states, (B·T, C).</summary>
    public Tensor Hidden => hidden;

    public Tensor Logits(long start, long length, Tensor? studentLogits = null)
    {
        using var _ = inference_mode();
        return Models.Layers.Autocast.Linear(hidden.narrow(0, start, length), head, null);   // (n, V), fp32
    }
}
