using Mft.Models.Gpt2;
using Mft.Tests.Reference;
using static TorchSharp.torch;

namespace Mft.Tests.Models;

public sealed class Gpt2LMHeadModelTests
{
    [Fact]
    public void Should_match_naive_reference_forward()
    {
        // Given
        using var model = TinyModels.Random(TinyModels.Gpt2Json());
        var c = (Gpt2Config)model.Config;
        int[] ids = [0, 7, 7, 30, 59, 2, 11, 4];
        // When
        var expected = NaiveTransformer.Gpt2(TinyModels.Weights(model), ids, c.NumLayers, c.NumHeads, c.LayerNormEps);
        using var _ = no_grad();
        var actual = NaiveTransformer.Mat(model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0))[0]);
        // Then
        TensorAssert.Close(expected, actual, 1e-5, "gpt2");
    }

    [Fact]
    public void Should_store_conv1d_weights_as_in_by_out_like_hugging_face()
    {
        using var model = TinyModels.Random(TinyModels.Gpt2Json(embd: 32));
        var w = TinyModels.Weights(model);
        Assert.Equal(new long[] { 32, 96 }, w["transformer.h.0.attn.c_attn.weight"].shape);
        Assert.Equal(new long[] { 32, 128 }, w["transformer.h.0.mlp.c_fc.weight"].shape);
        Assert.Equal(new long[] { 64, 32 }, w["transformer.wpe.weight"].shape);
        Assert.DoesNotContain("lm_head.weight", w.Keys);
    }
}
