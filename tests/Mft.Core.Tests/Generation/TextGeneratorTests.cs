using Mft.Generation;
using static TorchSharp.torch;

namespace Mft.Tests.Generation;

public sealed class TextGeneratorTests
{
    public static TheoryData<string, double> Cases() => new()
    {
        { TinyModels.LlamaJson(heads: 4, kvHeads: 2), 0.0 },
        { TinyModels.LlamaJson(heads: 4, kvHeads: 2), 1.0 },
        { TinyModels.LlamaJson("mistral", slidingWindow: 5), 0.0 },
        { TinyModels.Gpt2Json(), 0.0 },
        { TinyModels.Gpt2Json(), 0.8 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_generate_the_same_tokens_with_and_without_kv_cache(string json, double temperature)
    {
        // Given
        using var model = TinyModels.Random(json);
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = temperature, TopP = 0.9, Seed = 7, StopAtEos = false };
        int[] prompt = [1, 4, 9, 16];
        // When
        var cached = TextGenerator.Generate(model, prompt, options with { UseKvCache = true });
        var uncached = TextGenerator.Generate(model, prompt, options with { UseKvCache = false });
        // Then
        Assert.Equal(20, cached.Count);
        Assert.Equal(uncached, cached);
    }

    [Fact]
    public void Should_pick_the_argmax_at_temperature_zero()
    {
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        int[] prompt = [3, 1, 4];
        var first = TextGenerator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = 1, Temperature = 0 });
        using var _ = no_grad();
        var logits = model.Forward(tensor(new long[] { 3, 1, 4 }).unsqueeze(0))[0, -1];
        Assert.Equal((int)logits.argmax().item<long>(), first[0]);
    }

    [Fact]
    public void Should_stop_at_eos()
    {
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        var greedy = TextGenerator.Generate(model, [1, 2], new GenerationOptions { MaxNewTokens = 10, Temperature = 0, StopAtEos = false });
        var stopped = TextGenerator.Generate(model, [1, 2], new GenerationOptions { MaxNewTokens = 10, Temperature = 0 }, [greedy[2]]);
        Assert.Equal(greedy.Take(greedy.IndexOf(greedy[2]) + 1), stopped);
    }
}
