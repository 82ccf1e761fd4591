using Mft.Data;
using Mft.Objectives;
using Mft.Training;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Tests.Teachers;

public sealed class TeacherCacheTests
{
    private static readonly string Json = TinyModels.LlamaJson();

    private static List<TokenSequence> Rows(int count, int length, int seed = 5)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int n = length - i % 3;   // ragged rows, as with --packing pad
            return new TokenSequence(Enumerable.Range(0, n).Select(_ => rng.Next(61)).ToArray(), [0, .. Enumerable.Repeat(1, n - 1)]);
        }).ToList();
    }

    private static (Tensor Exact, Tensor Cached, Batch Batch) Compare(int topK)
    {
        using var model = TinyModels.Random(Json);
        using var online = FrozenModelTeacher.CopyOf(model);
        var rows = Rows(5, 12);
        using var cache = TopKTeacherCache.Build(online, rows, 61, topK, batchSize: 2, "fp", CPU);
        var group = new List<TokenSequence> { rows[4], rows[1], rows[2] };   // another order and grouping than when built
        var batch = Batch.Collate(group, CPU);
        var exact = nn.functional.log_softmax(online.Run(batch.Inputs, group).Logits(0, batch.Inputs.NumberOfElements), -1);
        var cached = cache.Run(batch.Inputs, group).Logits(0, batch.Inputs.NumberOfElements);
        return (exact, cached, batch);
    }

    [Fact]
    public void Should_reproduce_the_teacher_exactly_when_k_covers_the_vocabulary()
    {
        var (exact, cached, batch) = Compare(topK: 61);
        var mask = batch.LossMask.reshape(-1) > 0;
        var diff = (exact - cached).abs().max(-1).values.masked_select(mask).max().item<float>();
        Assert.True(diff < 1e-5, $"max log-prob difference {diff}");
    }

    [Fact]
    public void Should_keep_label_and_argmax_exact_and_sum_to_one_with_a_small_k()
    {
        // Given
        var (exact, cached, batch) = Compare(topK: 4);
        var mask = batch.LossMask.reshape(-1) > 0;
        var labels = batch.Labels.reshape(-1);
        // Then the reconstructed distribution is a distribution, with the teacher's label and argmax probabilities
        var sums = cached.exp().sum(-1).masked_select(mask);
        Assert.True((sums - 1).abs().max().item<float>() < 1e-5);
        var labelDiff = (exact.gather(-1, labels.unsqueeze(-1)) - cached.gather(-1, labels.unsqueeze(-1))).abs().squeeze(-1).masked_select(mask).max().item<float>();
        Assert.True(labelDiff < 1e-5, $"label log-prob differs by {labelDiff}");
        Assert.True(exact.argmax(-1).masked_select(mask).equal(cached.argmax(-1).masked_select(mask)).all().item<bool>());
        // And so the MFT correction m is the same; the loss moves only through the tail's shape
        var exactMix = TauCorrection.Compute(exact, labels, 0.2).Mix.masked_select(mask);
        var cachedMix = TauCorrection.Compute(cached, labels, 0.2).Mix.masked_select(mask);
        Assert.True((exactMix - cachedMix).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Should_refuse_a_stale_cache_and_reload_a_matching_one()
    {
        using var model = TinyModels.Random(Json);
        using var online = FrozenModelTeacher.CopyOf(model);
        var rows = Rows(4, 10);
        var fingerprint = TeacherCache.ComputeFingerprint(model, "tok", rows, 8);
        var path = Path.Combine(TempDir.Create("cache"), TopKTeacherCache.FileName);
        using (var cache = TopKTeacherCache.Build(online, rows, 61, 8, 2, fingerprint, CPU)) cache.Save(path);

        var otherRows = Rows(4, 10, seed: 6);
        var otherFingerprint = TeacherCache.ComputeFingerprint(model, "tok", otherRows, 8);
        Assert.NotEqual(fingerprint, otherFingerprint);
        Assert.NotEqual(fingerprint, TeacherCache.ComputeFingerprint(model, "other tokenizer", rows, 8));
        Assert.NotEqual(fingerprint, TeacherCache.ComputeFingerprint(model, "tok", rows, 16));
        var e = Assert.Throws<MftException>(() => TopKTeacherCache.Load(path, otherRows, otherFingerprint, CPU));
        Assert.Contains("stale", e.Message);
        Assert.Contains(path, e.Message);

        using var reloaded = TopKTeacherCache.Load(path, rows, fingerprint, CPU);
        using var built = TopKTeacherCache.Build(online, rows, 61, 8, 2, fingerprint, CPU);
        var batch = Batch.Collate(rows, CPU);
        Assert.True(reloaded.Run(batch.Inputs, rows).Logits(0, 20).equal(built.Run(batch.Inputs, rows).Logits(0, 20)).all().item<bool>());
    }

    [Fact]
    public void Should_share_the_tail_mass_like_the_students_probabilities()
    {
        using var model = TinyModels.Random(Json);
        using var online = FrozenModelTeacher.CopyOf(model);
        var rows = Rows(3, 10);
        using var cache = TopKTeacherCache.Build(online, rows, 61, 5, 2, "fp", CPU);
        var batch = Batch.Collate(rows, CPU);
        manual_seed(3);
        var student = randn(9, 61);
        var exact = nn.functional.log_softmax(online.Run(batch.Inputs, rows).Logits(0, 9), -1);
        var cached = cache.Run(batch.Inputs, rows).Logits(0, 9, student);
        // Top-5 and label entries are the teacher's, the total still sums to one, and in the tail q / s is one constant per row
        Assert.True((cached.exp().sum(-1) - 1).abs().max().item<float>() < 1e-5);
        var top = exact.topk(5, -1).indexes;
        Assert.True((cached.gather(-1, top) - exact.gather(-1, top)).abs().max().item<float>() < 1e-5);
        var labels = batch.Labels.reshape(-1).narrow(0, 0, 9).unsqueeze(1);
        var tail = ones(9, 61, ScalarType.Bool).scatter_(1, top, zeros(top.shape, ScalarType.Bool)).scatter_(1, labels, zeros(labels.shape, ScalarType.Bool));
        var ratio = (cached - nn.functional.log_softmax(student, -1)).masked_fill(tail.logical_not(), double.NaN);
        var spread = (ratio.nan_to_num(-1e9).max(-1).values - ratio.nan_to_num(1e9).min(-1).values).max().item<float>();
        Assert.True(spread < 1e-4, $"log(q / s) varies by {spread} across the tail");
        var tailMass = cached.exp().masked_fill(tail.logical_not(), 0).sum(-1);
        var exactTail = exact.exp().masked_fill(tail.logical_not(), 0).sum(-1);
        Assert.True((tailMass - exactTail).abs().max().item<float>() < 1e-5, "the tail keeps the teacher's mass");
    }

    /// <summary>
    /// At a vocabulary where one row's positions would exceed a loss chunk's logits (Models.LogitChunks), the top-k pass
    /// projects the row in chunks: the cache holds what one projection of the whole row, log-softmax and top-k give.
    /// </summary>
    [Fact]
    public void Should_summarise_a_large_vocabulary_in_chunks_as_one_projection_of_the_row_does()
    {
        // Given a model whose 600,000-token vocabulary makes a chunk 27 positions, and rows of 60
        const int vocab = 600_000, length = 60, topK = 8;
        Assert.True(Mft.Models.LogitChunks.Positions(Mft.Models.LogitChunks.DefaultPositions, vocab) < length / 2);
        using var scope = NewDisposeScope();
        using var model = TinyModels.Random(TinyModels.LlamaJson(vocab: vocab, hidden: 16, layers: 1));
        using var online = FrozenModelTeacher.CopyOf(model);
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 2).Select(_ => new TokenSequence(Enumerable.Range(0, length).Select(_ => rng.Next(vocab)).ToArray(),
            [0, .. Enumerable.Repeat(1, length - 1)])).ToList();
        // When the pass summarises them
        var cached = TopKTeacherCache.Positions(online, rows, vocab, topK, batchSize: 2, CPU);
        // Then each row's numbers are those of its whole (length, V) log-probabilities, the independent reference
        var batch = Batch.Collate(rows, CPU);
        var logP = nn.functional.log_softmax(online.Run(batch.Inputs, rows).Logits(0, batch.Inputs.NumberOfElements), -1);   // (2 x 59, V)
        var (values, ids) = logP.topk(topK, -1);
        var labels = batch.Labels.reshape(-1);
        Assert.Equal(batch.Inputs.NumberOfElements, cached["top_ids"].shape[0]);
        Assert.True(cached["top_ids"].equal(ids).all().item<bool>(), "top-k ids differ");
        Assert.True((cached["top_logp"] - values).abs().max().item<float>() < 1e-5, "top-k log-probabilities differ");
        Assert.True(cached["label_ids"].equal(labels).all().item<bool>());
        Assert.True((cached["label_logp"] - logP.gather(-1, labels.unsqueeze(-1)).squeeze(-1)).abs().max().item<float>() < 1e-5);
    }
}
