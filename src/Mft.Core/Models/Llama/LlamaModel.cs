using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Mft.Models.Llama;

/// <summary>
/// The decoder stack under "model.": token embeddings, layers and the final norm. Sliding-window layers get the
/// windowed mask and, where the config gives one (Gemma 3), their own RoPE base; the others attend to every
/// earlier position with the global RoPE.
/// </summary>
public sealed class LlamaModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")] private readonly ModuleList<LlamaDecoderLayer> _layers;
    [ComponentName(Name = "norm")] private readonly RmsNorm _norm;
    private readonly RotaryEmbedding _rope;
    private readonly RotaryEmbedding? _localRope;
    private readonly LlamaConfig _config;
    private readonly float? _embedScale;

    public LlamaModel(LlamaConfig c) : base(nameof(LlamaModel))
    {
        _config = c;
        _embedTokens = nn.Embedding(c.VocabSize, c.HiddenSize);
        _layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, c.NumLayers).Select(i => new LlamaDecoderLayer(c, i)).ToArray());
        _norm = new RmsNorm(c.HiddenSize, c.RmsNormEps, c.Gemma);
        _rope = new RotaryEmbedding(c.HeadDim, c.RopeTheta, c.RopeScaling);
        if (c.LocalRopeTheta is double local) _localRope = new RotaryEmbedding(c.HeadDim, local, null);
        // Gemma scales embeddings by sqrt(hidden_size) rounded to the embedding's dtype (fp32 here), as transformers does.
        if (c.Gemma) _embedScale = (float)Math.Sqrt(c.HiddenSize);
        RegisterComponents();
    }

    public Parameter EmbeddingWeight => _embedTokens.weight!;

    /// <summary>Final hidden states; <paramref name="checkpoint"/> recomputes each layer in backward (<see cref="ActivationCheckpoint"/>).</summary>
    public Tensor Forward(Tensor inputIds, KvCache? cache, bool checkpoint = false)
    {
        long past = cache?.Length ?? 0, t = inputIds.shape[1];
        var device = inputIds.device;
        var (cos, sin) = _rope.CosSin(past, t, device);                                  // (T, hd) each
        var (localCos, localSin) = _localRope?.CosSin(past, t, device) ?? (cos, sin);    // (T, hd) each
        var mask = CausalMask.Build(past, t, device);                                    // (T, T_k) or null
        var slidingMask = _config.SlidingWindow is null ? null : CausalMask.Build(past, t, device, _config.SlidingWindow);
        var x = _embedTokens.forward(inputIds);                                          // (B, T, C)
        if (_embedScale is float scale)
        {
            using var s = scale.ToScalar();
            x = x.mul(s);                                                                // (B, T, C)
        }
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            var (c, s, m) = _config.IsSliding(i) ? (localCos, localSin, slidingMask) : (cos, sin, mask);
            x = checkpoint ? ActivationCheckpoint.Run(x, input => layer.Forward(input, c, s, m, null))
                           : layer.Forward(x, c, s, m, cache);                           // (B, T, C)
        }
        return _norm.forward(x);                                                         // (B, T, C)
    }
}
