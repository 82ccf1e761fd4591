using LLama;
using LLama.Common;
using LLama.Native;

namespace Mft.Tests.Reference;

/// <summary>
/// llama.cpp, through LLamaSharp 0.30.0 and its CPU backend, as the independent consumer of exported GGUF files:
/// its own tokenizer, its own graph for each architecture, its own dequantization. Nothing here uses Mft.
/// </summary>
public sealed class LlamaCpp : IDisposable
{
    private static readonly object NativeLock = new();
    private static bool _configured;

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly int _contextSize;

    /// <param name="f32Cache">keep llama.cpp's KV cache in fp32 and attention without the flash kernel: llama.cpp's defaults round to fp16, which moves logits by about 1e-3</param>
    public LlamaCpp(string ggufFile, int contextSize = 512, bool f32Cache = false)
    {
        lock (NativeLock)
        {
            if (!_configured)
            {
                // llama.cpp logs every load to stderr; keep the test output readable
                NativeLibraryConfig.All.WithLogCallback((_, _) => { });
                _configured = true;
            }
        }
        _contextSize = contextSize;
        var p = new ModelParams(ggufFile) { ContextSize = (uint)contextSize, BatchSize = (uint)contextSize, UBatchSize = (uint)contextSize, GpuLayerCount = 0, Threads = 2, SwaFull = true };
        if (f32Cache)
        {
            p.TypeK = GGMLType.GGML_TYPE_F32;
            p.TypeV = GGMLType.GGML_TYPE_F32;
            p.FlashAttention = false;   // its CPU kernel rounds to fp16
        }
        _weights = LLamaWeights.LoadFromFile(p);
        _context = _weights.CreateContext(p);
    }

    /// <summary>A metadata value as llama.cpp read it, or null.</summary>
    public string? Metadata(string key) => _weights.Metadata.TryGetValue(key, out var v) ? v : null;

    public int VocabSize => _weights.Vocab.Count;

    /// <summary>Token ids as llama.cpp's tokenizer gives them; special tokens written in the text are matched whole.</summary>
    public int[] Tokenize(string text, bool addBos = true) =>
        _context.Tokenize(text, addBos, special: true).Select(t => (int)t).ToArray();

    /// <summary>Logits at every position of <paramref name="ids"/> (one forward pass from an empty cache), (T, V).</summary>
    public float[][] Logits(IReadOnlyList<int> ids)
    {
        if (ids.Count > _contextSize) throw new ArgumentException($"{ids.Count} tokens exceed the context of {_contextSize}");
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (int i = 0; i < ids.Count; i++) batch.Add((LLamaToken)ids[i], i, LLamaSeqId.Zero, true);
        var result = _context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode: {result}");
        return Enumerable.Range(0, ids.Count).Select(i => _context.NativeHandle.GetLogitsIth(i).ToArray()).ToArray();
    }

    /// <summary>Greedy continuation: the argmax of llama.cpp's logits, one token at a time through its KV cache.</summary>
    public int[] Greedy(IReadOnlyList<int> prompt, int newTokens)
    {
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Count; i++) batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
        var produced = new List<int>();
        int position = prompt.Count;
        while (true)
        {
            if (_context.NativeHandle.Decode(batch) != DecodeResult.Ok) throw new InvalidOperationException("llama_decode failed");
            var logits = _context.NativeHandle.GetLogitsIth(batch.TokenCount - 1);
            int next = 0;
            for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[next]) next = v;
            produced.Add(next);
            if (produced.Count == newTokens) return produced.ToArray();
            batch.Clear();
            batch.Add((LLamaToken)next, position++, LLamaSeqId.Zero, true);
        }
    }

    /// <summary>-log softmax(row)[target], in double.</summary>
    public static double Nll(float[] row, int target)
    {
        double max = row.Max();
        double sum = 0;
        foreach (var x in row) sum += Math.Exp(x - max);
        return max + Math.Log(sum) - row[target];
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
