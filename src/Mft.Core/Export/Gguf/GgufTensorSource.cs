using Mft.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Export.Gguf;

/// <summary>
/// The model's parameters by Hugging Face name, read as fp32 arrays only when the writer asks, optionally reshaped
/// on the way (llama.cpp's q/k row order, Gemma's norm offset, GPT-2's transposed Conv1D weights).
/// </summary>
public sealed class GgufTensorSource(CausalLM model, GgufFileType fileType)
{
    private readonly Dictionary<string, TorchSharp.Modules.Parameter> _parameters =
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public bool Has(string name) => _parameters.ContainsKey(name);

    /// <summary>Parameters no tensor was made from: a layout that leaves one out would write a different model.</summary>
    public IEnumerable<string> Unused => _parameters.Keys.Where(n => !_used.Contains(n));

    /// <summary>
    /// A GGUF tensor from parameter <paramref name="hfName"/>: matrices stored as the export's dtype, vectors as fp32.
    /// <paramref name="transform"/> maps the parameter (detached, fp32, on the CPU) to what is written: it keeps the
    /// shape, or transposes a matrix when <paramref name="transposes"/> is set.
    /// </summary>
    public GgufTensor Tensor(string ggufName, string hfName, Func<Tensor, Tensor>? transform = null, bool transposes = false)
    {
        if (!_parameters.TryGetValue(hfName, out var p))
            throw new InvalidOperationException($"the model has no parameter '{hfName}' (for GGUF tensor '{ggufName}')");
        _used.Add(hfName);
        var shape = transposes ? p.shape.Reverse().ToArray() : p.shape;
        var type = shape.Length >= 2 ? fileType.MatrixType(shape[^1]) : GgufTensorType.F32;
        return new GgufTensor(ggufName, shape, type, () =>
        {
            using var _ = NewDisposeScope();
            using var __ = no_grad();
            var t = p.detach().to(ScalarType.Float32, CPU);
            if (transform is not null) t = transform(t);
            return t.contiguous().data<float>().ToArray();
        });
    }

    /// <summary>A fp32 vector that is not a parameter (llama.cpp's rope_freqs).</summary>
    public static GgufTensor Vector(string ggufName, float[] values) =>
        new(ggufName, [values.Length], GgufTensorType.F32, () => values);
}
