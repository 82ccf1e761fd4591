using System.Globalization;
using Mft.Checkpoints;
using Mft.Data;
using Mft.Models;
using Mft.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The teacher's output at every training position, computed once per dataset and reused every epoch: the
/// top-k token ids with their log-probabilities, the label's id and log-probability, and the tail mass (all
/// other tokens together). The tail's mass is shared among the tail tokens in proportion to the student's own
/// probabilities for them, so the loss matches the teacher's tail as one bucket without imposing a shape on it:
/// KL over {top-k tokens, label, tail} (a uniform tail, tried first, pulled the student toward flat
/// distributions and wrecked general text; docs/performance.md). The reconstructed distribution sums to one and
/// the MFT correction, which reads only p[argmax] and p[label], is exact. Temperature 1 only (softening needs
/// the full logits). Saved as safetensors with a fingerprint of the teacher's weights, the tokenizer, the
/// rows and k; a cache with another fingerprint is refused.
/// </summary>
public sealed class TopKTeacherCache : TeacherCache
{
    public const string FileName = Runs.RunLayout.TopKTeacherCacheFile;
    /// <summary>The kind named in shard files (<see cref="TeacherCacheShards"/>): top-k log-probabilities per position.</summary>
    public const string Kind = "topk";
    private const string Format = "mft-teacher-cache-1";

    private readonly Tensor _topIds, _topLogP, _labelIds, _labelLogP, _tailLogP;   // (P + 1, k), (P + 1, k), (P + 1) x 3; row P is uniform
    private readonly long _positions;

    public int TopK { get; }
    public int Vocab { get; }

    private TopKTeacherCache(IReadOnlyList<TokenSequence> rows, int topK, int vocab, string fingerprint,
        Tensor topIds, Tensor topLogP, Tensor labelIds, Tensor labelLogP, Tensor tailLogP) : base(rows, fingerprint)
    {
        _positions = Layout.Count;
        (TopK, Vocab) = (topK, vocab);
        (_topIds, _topLogP, _labelIds, _labelLogP, _tailLogP) = (topIds, topLogP, labelIds, labelLogP, tailLogP);
    }

    /// <summary>Runs <paramref name="teacher"/> over every row once and keeps its top-k summary.</summary>
    public static TopKTeacherCache Build(ITeacher teacher, IReadOnlyList<TokenSequence> rows, int vocab, int topK, int batchSize, string fingerprint, Device device) =>
        FromPositions(rows, vocab, topK, fingerprint, Positions(teacher, rows, vocab, topK, batchSize, device), device);

    /// <summary>
    /// The top-k summary of every position of <paramref name="rows"/> (on the CPU), batch by batch from the first
    /// row: a share of the rows that starts on a batch boundary gets exactly the numbers one pass over all rows gets.
    /// </summary>
    public static Dictionary<string, Tensor> Positions(ITeacher teacher, IReadOnlyList<TokenSequence> rows, int vocab, int topK, int batchSize, Device device)
    {
        if (topK <= 0 || topK > vocab) throw new OptionException("teacher_cache_topk", $"must be in [1, {vocab}], got {topK}");
        long positions = PositionsOf(rows);
        var topIds = empty(positions, topK, ScalarType.Int64);
        var topLogP = empty(positions, topK);
        var labelIds = empty(positions, ScalarType.Int64);
        var labelLogP = empty(positions);
        var tailLogP = empty(positions);
        CachedPositions.RunTeacher(teacher, rows, batchSize, device, row =>
        {
            // A row's positions in chunks, so that no (positions, V) tensor is larger than the loss's (Models.LogitChunks);
            // each position's summary is its own, so the chunks give the numbers one projection of the row gives.
            foreach (var (start, n) in LogitChunks.Of(row.Count, LogitChunks.DefaultPositions, vocab))
            {
                using var chunk = NewDisposeScope();
                var offset = row.Offset + start;
                var logP = nn.functional.log_softmax(row.Outputs.Logits(row.BatchStart + start, n), -1);     // (n, V)
                var (values, ids) = logP.topk(topK, -1);                                                    // (n, k)
                var labels = row.Batch.Labels[row.Row].narrow(0, start, n);
                var labelLog = logP.gather(-1, labels.unsqueeze(-1)).squeeze(-1);                            // (n,)
                var labelInTop = ids.eq(labels.unsqueeze(-1)).any(-1);
                var kept = values.exp().sum(-1).add(where(labelInTop, zeros_like(labelLog), labelLog.exp()), Scalars.One);
                var tail = kept.negative().add(Scalars.One, Scalars.One).clamp_min(Scalars.ProbabilityFloor).log();  // 1 - kept: the tail's total mass
                topIds.narrow(0, offset, n).copy_(ids.cpu());
                topLogP.narrow(0, offset, n).copy_(values.cpu());
                labelIds.narrow(0, offset, n).copy_(labels.cpu());
                labelLogP.narrow(0, offset, n).copy_(labelLog.cpu());
                tailLogP.narrow(0, offset, n).copy_(tail.cpu());
            }
        });
        return new() { ["top_ids"] = topIds, ["top_logp"] = topLogP, ["label_ids"] = labelIds, ["label_logp"] = labelLogP, ["tail_logp"] = tailLogP };
    }

    /// <summary>A cache over <paramref name="rows"/> from the summaries of all their positions, plus the uniform row that padding reads.</summary>
    public static TopKTeacherCache FromPositions(IReadOnlyList<TokenSequence> rows, int vocab, int topK, string fingerprint, IReadOnlyDictionary<string, Tensor> positions, Device device)
    {
        double uniform = -Math.Log(vocab);
        using var scope = NewDisposeScope();   // the padding rows and the joined copies; the cache keeps its five tensors (docs/runtime.md)
        using Scalar k = topK.ToScalar(), uniformLogP = uniform.ToScalar();
        Tensor With(string name, Tensor padding) => cat([positions[name], padding.unsqueeze(0)], 0).to(device).MoveToOuterDisposeScope();
        var cache = new TopKTeacherCache(rows, topK, vocab, fingerprint,
            With("top_ids", arange(Scalars.Zero, k, Scalars.One, ScalarType.Int64)), With("top_logp", full(topK, uniformLogP, ScalarType.Float32)), With("label_ids", tensor(0L)),
            With("label_logp", tensor((float)uniform)), With("tail_logp", tensor((float)Math.Log(1 - topK / (double)vocab))));
        if (cache._tailLogP.shape[0] != cache._positions + 1)
            throw new MftException($"teacher cache {fingerprint}: holds {cache._tailLogP.shape[0] - 1} positions, the data has {cache._positions}");
        return cache;
    }

    /// <summary>What a shard file records besides its tensors (<see cref="TeacherCacheShards"/>).</summary>
    public static Dictionary<string, string> ShardParameters(int topK, int vocab) => new()
    {
        ["top_k"] = topK.ToString(CultureInfo.InvariantCulture), ["vocab"] = vocab.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A cache joined from its shards' positions.</summary>
    public static TopKTeacherCache FromShards(IReadOnlyList<TokenSequence> rows, string fingerprint, TeacherCacheShards.Joined joined, Device device) =>
        FromPositions(rows, int.Parse(joined.Parameters["vocab"], CultureInfo.InvariantCulture), int.Parse(joined.Parameters["top_k"], CultureInfo.InvariantCulture),
            fingerprint, joined.Positions, device);

    private protected override void Write(string path)
    {
        using var scope = NewDisposeScope();   // the CPU views
        SafetensorsWriter.Write(path, [("top_ids", _topIds.cpu()), ("top_logp", _topLogP.cpu()), ("label_ids", _labelIds.cpu()), ("label_logp", _labelLogP.cpu()), ("tail_logp", _tailLogP.cpu())],
            new Dictionary<string, string> { ["fingerprint"] = Fingerprint }.Concat(ShardParameters(TopK, Vocab)).Append(new("format", Format)).Concat(PrecisionMetadata).ToDictionary());
    }

    /// <summary>Loads a saved cache, refusing one built for another model, tokenizer, data or k.</summary>
    public static TopKTeacherCache Load(string path, IReadOnlyList<TokenSequence> rows, string fingerprint, Device device,
        Runtime.Precision precision = Runtime.Precision.Fp32)
    {
        using var reader = OpenSaved(path, Format, "teacher cache", "model, tokenizer, data or top-k", fingerprint, precision);
        int topK = int.Parse(reader.Metadata["top_k"], CultureInfo.InvariantCulture), vocab = int.Parse(reader.Metadata["vocab"], CultureInfo.InvariantCulture);
        var cache = new TopKTeacherCache(rows, topK, vocab, fingerprint, Read(reader, "top_ids", device), Read(reader, "top_logp", device),
            Read(reader, "label_ids", device), Read(reader, "label_logp", device), Read(reader, "tail_logp", device)) { File = path, Precision = precision };
        if (cache._tailLogP.shape[0] != cache._positions + 1) throw new MftException($"{path}: holds {cache._tailLogP.shape[0] - 1} positions, the data has {cache._positions}");
        return cache;
    }

    /// <summary>Bytes held in memory: (8 + 4) k + 16 per position.</summary>
    public override long Bytes => (_positions + 1) * (12L * TopK + 16);

    public override ITeacherBatch Run(Tensor inputs, IReadOnlyList<TokenSequence> rows)
    {
        long t = inputs.shape[1];
        var index = Layout.Index(rows, t);
        return new CachedBatch(this, tensor(index, device: _tailLogP.device));
    }

    private sealed class CachedBatch(TopKTeacherCache cache, Tensor index) : ITeacherBatch
    {
        /// <summary>
        /// Log-probabilities of the reconstructed distribution (normalised logits), (n, V): the cached top-k and
        /// label entries, and the tail's mass shared like the student's probabilities (evenly without a student).
        /// </summary>
        public Tensor Logits(long start, long length, Tensor? studentLogits = null)
        {
            var at = index.narrow(0, start, length);
            var topIds = cache._topIds.index_select(0, at);                                            // (n, k)
            var labelIds = cache._labelIds.index_select(0, at).unsqueeze(1);                           // (n, 1)
            var kept = zeros(length, cache.Vocab, ScalarType.Bool, at.device);
            kept.scatter_(1, topIds, ones(topIds.shape, ScalarType.Bool, at.device)).scatter_(1, labelIds, ones(labelIds.shape, ScalarType.Bool, at.device));
            var shape = studentLogits is null ? zeros(length, cache.Vocab, device: at.device) : nn.functional.log_softmax(studentLogits, -1);
            var tailShape = shape.masked_fill(kept, Scalars.NegativeInfinity);
            tailShape = tailShape - tailShape.logsumexp(-1, keepdim: true);                              // log of the shares within the tail
            var logits = tailShape.add_(cache._tailLogP.index_select(0, at).unsqueeze(1), Scalars.One);
            logits.scatter_(1, topIds, cache._topLogP.index_select(0, at));
            logits.scatter_(1, labelIds, cache._labelLogP.index_select(0, at).unsqueeze(1));
            return logits;
        }
    }

    public override void Dispose()
    {
        foreach (var t in new[] { _topIds, _topLogP, _labelIds, _labelLogP, _tailLogP }) t.Dispose();
    }
}
