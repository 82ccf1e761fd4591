using static TorchSharp.torch;

namespace Mft.Tests.Reference;

public static partial class NaiveTransformer
{
    /// <summary>
    /// Gemma 3 text model as transformers' Gemma3ForCausalLM defines it. Sliding[l]: layer l attends to the last Window
    /// positions with RoPE base LocalTheta, unscaled; the other layers attend to all earlier positions with base
    /// GlobalTheta and positions divided by LinearFactor (rope_scaling linear; 1 for none).
    /// </summary>
    public sealed record Gemma3Spec(int Layers, int Heads, int KvHeads, int HeadDim, double Eps, double GlobalTheta, double LinearFactor,
        double LocalTheta, double QueryPreAttnScalar, int Window, bool[] Sliding, bool Tied);

    public static double[,] Gemma3(IReadOnlyDictionary<string, Tensor> w, int[] ids, Gemma3Spec s)
    {
        var x = Rows(w["model.embed_tokens.weight"], ids);
        int hidden = x.GetLength(1);
        // sqrt(hidden_size) as transformers stores it: a float32 scalar in the embedding's dtype.
        double embedScale = (float)Math.Sqrt(hidden);
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < hidden; j++) x[i, j] *= embedScale;
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            bool sliding = s.Sliding[l];
            var h = RmsNorm(x, Vec(w[p + "input_layernorm.weight"]), s.Eps, unitOffset: true);
            var q = Linear(h, w, p + "self_attn.q_proj");
            var k = Linear(h, w, p + "self_attn.k_proj");
            var v = Linear(h, w, p + "self_attn.v_proj");
            HeadNorm(q, s.Heads, s.HeadDim, Vec(w[p + "self_attn.q_norm.weight"]), s.Eps, unitOffset: true);
            HeadNorm(k, s.KvHeads, s.HeadDim, Vec(w[p + "self_attn.k_norm.weight"]), s.Eps, unitOffset: true);
            double theta = sliding ? s.LocalTheta : s.GlobalTheta, positionScale = sliding ? 1.0 : 1.0 / s.LinearFactor;
            Rope(q, s.Heads, s.HeadDim, theta, positionScale);
            Rope(k, s.KvHeads, s.HeadDim, theta, positionScale);
            var att = AttentionLoops(q, k, v, s.Heads, s.KvHeads, s.HeadDim, sliding ? s.Window : null, Math.Pow(s.QueryPreAttnScalar, -0.5));
            var o = Linear(att, w, p + "self_attn.o_proj");
            x = Add(x, RmsNorm(o, Vec(w[p + "post_attention_layernorm.weight"]), s.Eps, unitOffset: true));
            var h2 = RmsNorm(x, Vec(w[p + "pre_feedforward_layernorm.weight"]), s.Eps, unitOffset: true);
            var gate = Linear(h2, w, p + "mlp.gate_proj");
            var up = Linear(h2, w, p + "mlp.up_proj");
            for (int i = 0; i < gate.GetLength(0); i++)
                for (int j = 0; j < gate.GetLength(1); j++)
                {
                    double z = gate[i, j];
                    double gelu = 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
                    gate[i, j] = gelu * up[i, j];
                }
            var down = Linear(gate, w, p + "mlp.down_proj");
            x = Add(x, RmsNorm(down, Vec(w[p + "post_feedforward_layernorm.weight"]), s.Eps, unitOffset: true));
        }
        x = RmsNorm(x, Vec(w["model.norm.weight"]), s.Eps, unitOffset: true);
        return MatMulT(x, Mat(s.Tied ? w["model.embed_tokens.weight"] : w["lm_head.weight"]));
    }
}
