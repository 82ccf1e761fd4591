using Mft.Adapters;
using Mft.Data;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The MFT teacher when the student trains adapters: the student's own frozen base weights with its adapters
/// switched off, so no second copy of the model is held in memory (the saving is the whole model's size).
/// </summary>
public sealed class AdaptersOffTeacher(CausalLM model) : ITeacher
{
    public ITeacherBatch Run(Tensor inputs, IReadOnlyList<TokenSequence> rows)
    {
        using var _ = inference_mode();
        using var off = ModelAdapters.Disabled(model);
        var hidden = model.ForwardHidden(inputs);                                   // (B, T, C); no dropout runs with adapters off
        return new HiddenStatesTeacherBatch(model.OutputWeight, hidden.reshape(-1, hidden.shape[^1]));
    }

    /// <summary>Nothing to free: the weights belong to the student.</summary>
    public void Dispose() { }
}
