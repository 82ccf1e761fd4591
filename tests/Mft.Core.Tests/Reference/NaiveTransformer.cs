using static TorchSharp.torch;

namespace Mft.Tests.Reference;

/// <summary>
/// Plain-loop reference forward passes of Llama-family (with Qwen3's query/key norms), Gemma 3 and GPT-2 models,
/// in float64, written from the papers and Hugging Face's documented semantics without any code shared with Mft's
/// modules. Weights are read by their Hugging Face state-dict names.
/// </summary>
public static partial class NaiveTransformer
{
    /// <summary>QkNorm: Qwen3's per-head RMSNorm of q and k before RoPE. SlidingLayers: which layers use Window (null: all).</summary>
    public sealed record LlamaSpec(int Layers, int Heads, int KvHeads, int HeadDim, double Eps, double Theta, bool Tied, int? Window = null,
        bool QkNorm = false, bool[]? SlidingLayers = null);

    public static double[,] Llama(IReadOnlyDictionary<string, Tensor> w, int[] ids, LlamaSpec s)
    {
        int t = ids.Length;
        var x = Rows(w["model.embed_tokens.weight"], ids);
        for (int l = 0; l < s.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            var h = RmsNorm(x, Vec(w[p + "input_layernorm.weight"]), s.Eps);
            var q = Linear(h, w, p + "self_attn.q_proj");
            var k = Linear(h, w, p + "self_attn.k_proj");
            var v = Linear(h, w, p + "self_attn.v_proj");
            if (s.QkNorm)
            {
                HeadNorm(q, s.Heads, s.HeadDim, Vec(w[p + "self_attn.q_norm.weight"]), s.Eps, unitOffset: false);
                HeadNorm(k, s.KvHeads, s.HeadDim, Vec(w[p + "self_attn.k_norm.weight"]), s.Eps, unitOffset: false);
            }
            Rope(q, s.Heads, s.HeadDim, s.Theta);
            Rope(k, s.KvHeads, s.HeadDim, s.Theta);
            int? window = s.SlidingLayers is null || s.SlidingLayers[l] ? s.Window : null;
            var att = AttentionLoops(q, k, v, s.Heads, s.KvHeads, s.HeadDim, window);
            x = Add(x, Linear(att, w, p + "self_attn.o_proj"));
            var h2 = RmsNorm(x, Vec(w[p + "post_attention_layernorm.weight"]), s.Eps);
            var gate = Linear(h2, w, p + "mlp.gate_proj");
            var up = Linear(h2, w, p + "mlp.up_proj");
            for (int i = 0; i < gate.GetLength(0); i++)
                for (int j = 0; j < gate.GetLength(1); j++)
                    gate[i, j] = gate[i, j] / (1 + Math.Exp(-gate[i, j])) * up[i, j];
            x = Add(x, Linear(gate, w, p + "mlp.down_proj"));
        }
        x = RmsNorm(x, Vec(w["model.norm.weight"]), s.Eps);
        return MatMulT(x, Mat(s.Tied ? w["model.embed_tokens.weight"] : w["lm_head.weight"]));
    }

    public static double[,] Gpt2(IReadOnlyDictionary<string, Tensor> w, int[] ids, int layers, int heads, double eps)
    {
        var x = Rows(w["transformer.wte.weight"], ids);
        var pos = Rows(w["transformer.wpe.weight"], Enumerable.Range(0, ids.Length).ToArray());
        x = Add(x, pos);
        int c = x.GetLength(1), hd = c / heads;
        for (int l = 0; l < layers; l++)
        {
            string p = $"transformer.h.{l}.";
            var h = LayerNorm(x, Vec(w[p + "ln_1.weight"]), Vec(w[p + "ln_1.bias"]), eps);
            var qkv = Conv1D(h, w, p + "attn.c_attn");
            var q = Columns(qkv, 0, c);
            var k = Columns(qkv, c, c);
            var v = Columns(qkv, 2 * c, c);
            x = Add(x, Conv1D(AttentionLoops(q, k, v, heads, heads, hd, null), w, p + "attn.c_proj"));
            var h2 = LayerNorm(x, Vec(w[p + "ln_2.weight"]), Vec(w[p + "ln_2.bias"]), eps);
            var f = Conv1D(h2, w, p + "mlp.c_fc");
            for (int i = 0; i < f.GetLength(0); i++)
                for (int j = 0; j < f.GetLength(1); j++)
                {
                    double z = f[i, j];
                    f[i, j] = 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
                }
            x = Add(x, Conv1D(f, w, p + "mlp.c_proj"));
        }
        x = LayerNorm(x, Vec(w["transformer.ln_f.weight"]), Vec(w["transformer.ln_f.bias"]), eps);
        return MatMulT(x, Mat(w["transformer.wte.weight"]));
    }

    /// <summary>Causal softmax attention per head; keys i - j >= window are masked; scores scaled by scale (default 1/sqrt(hd)).</summary>
    private static double[,] AttentionLoops(double[,] q, double[,] k, double[,] v, int heads, int kvHeads, int hd, int? window, double? scale = null)
    {
        double factor = scale ?? 1 / Math.Sqrt(hd);
        int t = q.GetLength(0);
        var output = new double[t, heads * hd];
        for (int hh = 0; hh < heads; hh++)
        {
            int kh = hh / (heads / kvHeads);
            for (int i = 0; i < t; i++)
            {
                var scores = new double[i + 1];
                double max = double.NegativeInfinity;
                for (int j = 0; j <= i; j++)
                {
                    if (window is int wnd && i - j >= wnd) { scores[j] = double.NegativeInfinity; continue; }
                    double dot = 0;
                    for (int d = 0; d < hd; d++) dot += q[i, hh * hd + d] * k[j, kh * hd + d];
                    scores[j] = dot * factor;
                    max = Math.Max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) { scores[j] = Math.Exp(scores[j] - max); sum += scores[j]; }
                for (int j = 0; j <= i; j++)
                    for (int d = 0; d < hd; d++)
                        output[i, hh * hd + d] += scores[j] / sum * v[j, kh * hd + d];
            }
        }
        return output;
    }

    /// <summary>Rotates pairs (d, d + hd/2) of each head by position * positionScale * theta^(-2d/hd) (linear scaling: 1/factor).</summary>
    private static void Rope(double[,] x, int heads, int hd, double theta, double positionScale = 1.0)
    {
        int half = hd / 2;
        for (int pos = 0; pos < x.GetLength(0); pos++)
            for (int h = 0; h < heads; h++)
                for (int d = 0; d < half; d++)
                {
                    double angle = pos * positionScale * Math.Pow(theta, -2.0 * d / hd);
                    double a = x[pos, h * hd + d], b = x[pos, h * hd + d + half];
                    x[pos, h * hd + d] = a * Math.Cos(angle) - b * Math.Sin(angle);
                    x[pos, h * hd + d + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
                }
    }

    /// <summary>x / rms(x) * g, or * (1 + g) with the unit offset (Gemma).</summary>
    private static double[,] RmsNorm(double[,] x, double[] g, double eps, bool unitOffset = false)
    {
        int n = x.GetLength(0), c = x.GetLength(1);
        var y = new double[n, c];
        for (int i = 0; i < n; i++)
        {
            double ms = 0;
            for (int j = 0; j < c; j++) ms += x[i, j] * x[i, j];
            double r = 1 / Math.Sqrt(ms / c + eps);
            for (int j = 0; j < c; j++) y[i, j] = x[i, j] * r * (unitOffset ? 1 + g[j] : g[j]);
        }
        return y;
    }

    /// <summary>RMS-normalises each head's hd values of every row in place (Qwen3's and Gemma 3's q_norm and k_norm).</summary>
    private static void HeadNorm(double[,] x, int heads, int hd, double[] g, double eps, bool unitOffset)
    {
        for (int h = 0; h < heads; h++)
        {
            var head = Columns(x, h * hd, hd);
            var normed = RmsNorm(head, g, eps, unitOffset);
            for (int i = 0; i < x.GetLength(0); i++)
                for (int d = 0; d < hd; d++) x[i, h * hd + d] = normed[i, d];
        }
    }

    private static double[,] LayerNorm(double[,] x, double[] g, double[] b, double eps)
    {
        int n = x.GetLength(0), c = x.GetLength(1);
        var y = new double[n, c];
        for (int i = 0; i < n; i++)
        {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) mean += x[i, j] / c;
            for (int j = 0; j < c; j++) var += (x[i, j] - mean) * (x[i, j] - mean) / c;
            for (int j = 0; j < c; j++) y[i, j] = (x[i, j] - mean) / Math.Sqrt(var + eps) * g[j] + b[j];
        }
        return y;
    }

    private static double[,] Linear(double[,] x, IReadOnlyDictionary<string, Tensor> w, string name)
    {
        var y = MatMulT(x, Mat(w[name + ".weight"]));
        if (w.TryGetValue(name + ".bias", out var b)) AddRow(y, Vec(b));
        return y;
    }

    private static double[,] Conv1D(double[,] x, IReadOnlyDictionary<string, Tensor> w, string name)
    {
        var wt = Mat(w[name + ".weight"]);                    // (in, out)
        int n = x.GetLength(0), inF = wt.GetLength(0), outF = wt.GetLength(1);
        var y = new double[n, outF];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outF; o++)
            {
                double s = 0;
                for (int k = 0; k < inF; k++) s += x[i, k] * wt[k, o];
                y[i, o] = s;
            }
        AddRow(y, Vec(w[name + ".bias"]));
        return y;
    }

    private static double[,] MatMulT(double[,] x, double[,] wt)
    {
        int n = x.GetLength(0), inF = x.GetLength(1), outF = wt.GetLength(0);
        var y = new double[n, outF];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outF; o++)
            {
                double s = 0;
                for (int k = 0; k < inF; k++) s += x[i, k] * wt[o, k];
                y[i, o] = s;
            }
        return y;
    }

    private static void AddRow(double[,] y, double[] b)
    {
        for (int i = 0; i < y.GetLength(0); i++)
            for (int j = 0; j < y.GetLength(1); j++) y[i, j] += b[j];
    }

    private static double[,] Add(double[,] a, double[,] b)
    {
        var y = (double[,])a.Clone();
        for (int i = 0; i < y.GetLength(0); i++)
            for (int j = 0; j < y.GetLength(1); j++) y[i, j] += b[i, j];
        return y;
    }

    private static double[,] Columns(double[,] x, int start, int count)
    {
        var y = new double[x.GetLength(0), count];
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < count; j++) y[i, j] = x[i, start + j];
        return y;
    }

    private static double[,] Rows(Tensor table, int[] ids)
    {
        var m = Mat(table);
        var y = new double[ids.Length, m.GetLength(1)];
        for (int i = 0; i < ids.Length; i++)
            for (int j = 0; j < m.GetLength(1); j++) y[i, j] = m[ids[i], j];
        return y;
    }

    public static double[] Vec(Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();

    public static double[,] Mat(Tensor t)
    {
        var flat = Vec(t);
        int r = (int)t.shape[0], c = (int)t.shape[1];
        var m = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) m[i, j] = flat[i * c + j];
        return m;
    }
}
