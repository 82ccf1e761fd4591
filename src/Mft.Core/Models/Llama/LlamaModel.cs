using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>The decoder stack under "model.": token embeddings, layers and the final norm.</summary>
public sealed class LlamaModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")] private readonly ModuleList<LlamaDecoderLayer> _layers;
    [ComponentName(Name = "norm")] private readonly RmsNorm _norm;
    private readonly RotaryEmbedding _rope;
    private readonly LlamaConfig _config;

    public LlamaModel(LlamaConfig c) : base(nameof(LlamaModel))
    {
        _config = c;
        _embedTokens = nn.Embedding(c.VocabSize, c.HiddenSize);
        _layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, c.NumLayers).Select(i => new LlamaDecoderLayer(c, i)).ToArray());
        _norm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        _rope = new RotaryEmbedding(c.HeadDim, c.RopeTheta, c.RopeScaling);
        RegisterComponents();
    }

    public Parameter EmbeddingWeight => _embedTokens.weight!;

    public Tensor Forward(Tensor inputIds, KvCache? cache)
    {
        long past = cache?.Length ?? 0, t = inputIds.shape[1];
        var (cos, sin) = _rope.CosSin(past, t, inputIds.device);                 // (T, hd) each
        var mask = CausalMask.Build(past, t, inputIds.device, _config.SlidingWindow);
        var x = _embedTokens.forward(inputIds);                                   // (B, T, C)
        foreach (var layer in _layers) x = layer.Forward(x, cos, sin, mask, cache);
        return _norm.forward(x);                                                  // (B, T, C)
    }
}
