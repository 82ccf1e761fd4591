using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>Scaled dot-product attention over (B, H, T, hd) heads, with grouped-query key/value sharing.</summary>
public static class Attention
{
    /// <summary>
    /// q (B, H, T, hd), k and v (B, H_kv, T_k, hd); each key/value head serves H / H_kv consecutive query heads,
    /// as in Hugging Face's repeat_kv. mask: null for plain causal attention, else boolean (T, T_k). scale: the
    /// factor on q·k, 1/sqrt(hd) when null (Gemma sets its own). castBack false: inside an autocast region the result
    /// stays bf16, for a caller that feeds it straight to a product (<see cref="Autocast.ScaledDotProductAttention"/>).
    /// </summary>
    public static Tensor Scaled(Tensor q, Tensor k, Tensor v, Tensor? mask, double? scale = null, bool castBack = true)
    {
        long groups = q.shape[1] / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, 1);                                // (B, H, T_k, hd)
            v = v.repeat_interleave(groups, 1);
        }
        // TorchSharp's scaled_dot_product_attention has no scale argument: fold the ratio to 1/sqrt(hd) into q.
        if (scale is double s)
        {
            using var ratio = (s * Math.Sqrt(q.shape[^1])).ToScalar();
            q = q.mul(ratio);                                                  // (B, H, T, hd)
        }
        bool causal = mask is null && q.shape[2] > 1;
        return Autocast.ScaledDotProductAttention(q, k, v, mask, causal, castBack);       // (B, H, T, hd)
    }
}
