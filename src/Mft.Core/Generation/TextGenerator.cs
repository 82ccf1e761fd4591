using Mft.Runtime;
using TorchSharp;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Generation;

/// <summary>Autoregressive decoding: greedy, temperature sampling and nucleus (top-p) sampling, with or without a KV cache.</summary>
public static class TextGenerator
{
    /// <summary>Returns the new token ids (the prompt excluded).</summary>
    public static List<int> Generate(CausalLM model, IReadOnlyList<int> prompt, GenerationOptions options, IReadOnlyCollection<int>? eosIds = null)
    {
        options.Validate();
        if (prompt.Count == 0) throw new MftException("generation needs at least one prompt token (an empty prompt and no bos token)");
        var device = model.Device;
        var generator = new Generator((ulong)options.Seed, device);
        var tokens = new List<int>(prompt);
        var produced = new List<int>();
        using var cache = options.UseKvCache ? model.NewCache() : null;
        using var _ = no_grad();
        int maxPositions = model.Config.MaxPositions;
        while (produced.Count < options.MaxNewTokens && tokens.Count < maxPositions)
        {
            using var scope = NewDisposeScope();
            var fresh = cache is null ? tokens : tokens.Skip((int)cache.Length).ToList();
            var input = tensor(fresh.Select(t => (long)t).ToArray(), device: device).unsqueeze(0);  // (1, T)
            var hidden = model.ForwardHidden(input, cache);                                         // (1, T, C)
            var logits = model.Logits(hidden[0, -1]).to_type(ScalarType.Float32);                  // (V,)
            int next = Choose(logits, options, generator);
            tokens.Add(next);
            produced.Add(next);
            if (options.StopAtEos && eosIds is not null && eosIds.Contains(next)) break;
        }
        return produced;
    }

    private static int Choose(Tensor logits, GenerationOptions o, Generator generator)
    {
        if (o.Temperature == 0) return (int)logits.argmax().item<long>();
        using Scalar temperature = o.Temperature.ToScalar(), topP = o.TopP.ToScalar();
        var probs = nn.functional.softmax(logits.div(temperature), 0);                              // (V,)
        if (o.TopP < 1.0)
        {
            var (sorted, order) = probs.sort(descending: true);
            var before = sorted.cumsum(0) - sorted;                                                 // mass ahead of each
            sorted = sorted.masked_fill(before >= topP, Scalars.ZeroDouble);
            probs = zeros_like(probs).scatter_(0, order, sorted);
        }
        return (int)multinomial(probs, 1, false, generator).item<long>();
    }
}
