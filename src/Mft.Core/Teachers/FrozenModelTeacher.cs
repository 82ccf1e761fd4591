using TorchSharp;
using Mft.Models.Layers;
using Mft.Runtime;
using Mft.Data;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The MFT teacher: a frozen copy of the starting weights, run without gradients and without optimizer state.
/// Its hidden states are computed once per batch; logits are projected per chunk.
/// </summary>
public sealed class FrozenModelTeacher : ITeacher, IDisposable
{
    private readonly CausalLM _model;

    public FrozenModelTeacher(CausalLM model)
    {
        _model = model;
        foreach (var p in _model.parameters()) p.requires_grad = false;
        _model.eval();
    }

    /// <summary>
    /// Copies the student's current weights into a new frozen model. Under bf16 the weights of its linear layers are kept
    /// in bf16 (the teacher never updates them, so no fp32 master is needed: they are exactly the casts the bf16 products
    /// would make); embeddings and norms stay fp32.
    /// </summary>
    public static FrozenModelTeacher CopyOf(CausalLM student, Precision precision = Precision.Fp32)
    {
        var copy = ModelFactory.Create(student.Config, student.Device);
        using (no_grad())
        {
            var source = student.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, p) in copy.named_parameters()) p.copy_(source[name]);
        }
        if (precision == Precision.Bf16) copy.KeepProductWeightsInBf16();
        return new FrozenModelTeacher(copy);
    }

    /// <summary>Memory the copy holds: its parameters' bytes (2 per bf16 weight, 4 per fp32 one).</summary>
    public long Bytes => _model.parameters().Sum(p => p.NumberOfElements * p.ElementSize);

    public ITeacherBatch Run(Tensor inputs, IReadOnlyList<TokenSequence> rows)
    {
        using var _ = inference_mode();
        var hidden = _model.ForwardHidden(inputs);                                  // (B, T, C)
        return new HiddenStatesTeacherBatch(_model.OutputWeight, hidden.reshape(-1, hidden.shape[^1]));   // (B*T, C)
    }

    public void Dispose() => _model.Dispose();
}
