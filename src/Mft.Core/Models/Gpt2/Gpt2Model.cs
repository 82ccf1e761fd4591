using Mft.Runtime;
using Mft.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Models.Gpt2;

/// <summary>The GPT-2 stack under "transformer.": token and learned position embeddings, blocks, final LayerNorm.</summary>
public sealed class Gpt2Model : nn.Module
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<Gpt2Block> h;
    private readonly LayerNorm ln_f;
    private readonly Gpt2Config _config;

    public Gpt2Model(Gpt2Config c) : base(nameof(Gpt2Model))
    {
        _config = c;
        wte = nn.Embedding(c.VocabSize, c.HiddenSize);
        wpe = nn.Embedding(c.MaxPositions, c.HiddenSize);
        h = new ModuleList<Gpt2Block>(Enumerable.Range(0, c.NumLayers).Select(i => new Gpt2Block(c, i)).ToArray());
        ln_f = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
        RegisterComponents();
    }

    public Parameter EmbeddingWeight => wte.weight!;

    /// <summary>Final hidden states; <paramref name="checkpoint"/> recomputes each block in backward (<see cref="ActivationCheckpoint"/>).</summary>
    public Tensor Forward(Tensor inputIds, KvCache? cache, bool checkpoint = false)
    {
        long past = cache?.Length ?? 0, t = inputIds.shape[1];
        if (past + t > _config.MaxPositions)
            throw new MftException($"sequence of {past + t} tokens exceeds GPT-2's n_positions ({_config.MaxPositions})");
        var positions = Scalars.Int64Range(past, past + t, inputIds.device);             // (T,)
        var x = wte.forward(inputIds).add(wpe.forward(positions), Scalars.One);          // (B, T, C)
        var mask = CausalMask.Build(past, t, inputIds.device);
        foreach (var block in h)
            x = checkpoint ? ActivationCheckpoint.Run(x, input => block.Forward(input, mask, null)) : block.Forward(x, mask, cache);   // (B, T, C)
        return ln_f.forward(x);                                                           // (B, T, C)
    }
}
