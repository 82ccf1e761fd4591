using System.Diagnostics;
using Mft.Adapters;
using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Training;
using TorchSharp;
using Mft.Teachers;

namespace Mft.Tests.Training;

[Collection("memory")]
public sealed class MemoryLeakTests
{
    [Fact]
    public void Should_keep_live_tensors_and_resident_memory_flat_over_200_mft_steps()
    {
        // Given a tiny MFT run of 200 steps on made-up rows
        using var student = TinyModels.Random(TinyModels.LlamaJson(vocab: 61, hidden: 32, layers: 2));
        student.train();
        using var teacher = FrozenModelTeacher.CopyOf(student);
        var rng = new Random(1);
        var rows = Enumerable.Range(0, 16).Select(_ =>
            new TokenSequence(Enumerable.Range(0, 33).Select(_ => rng.Next(61)).ToArray(), [0, .. Enumerable.Repeat(1, 32)])).ToList();
        var config = new TrainerConfig { Method = "mft", MaxSteps = 200, BatchSize = 4, ContextLength = 32, WarmupSteps = 0, LearningRate = 1e-3 };
        var trainer = new Trainer(config, student, teacher, rows, null, new Mft.Jobs.RunFolderRecord(TempDir.Create("leak")), "leak");
        var live = new List<long>();
        var rss = new List<long>();
        trainer.StepCompleted += m =>
        {
            if (m.Step % 20 != 0) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            using var p = Process.GetCurrentProcess();
            rss.Add(p.WorkingSet64);
        };
        // When
        trainer.Run();
        // Then the live-tensor count stops changing after warm-up and resident memory grows by under 30 MB
        Assert.Equal(10, live.Count);
        Assert.True(live.Skip(1).Distinct().Count() == 1, $"live tensors: {string.Join(", ", live)}");
        double growthMb = (rss[^1] - rss[1]) / 1048576.0;
        Assert.True(growthMb < 30, $"RSS grew {growthMb:F1} MB between step 40 and 200: {string.Join(", ", rss.Select(r => r / 1048576))}");
    }

    [Theory]
    [InlineData("qwen3")]
    [InlineData("gemma3")]
    public void Should_keep_live_tensors_flat_over_mft_steps_for_qwen3_and_gemma3(string family)
    {
        // Given a tiny MFT run whose sliding windows (4) are shorter than the context (32), so every forward builds both masks
        var json = family == "qwen3" ? TinyModels.Qwen3Json(slidingWindow: 4, maxWindowLayers: 1) : TinyModels.Gemma3Json();
        using var student = TinyModels.Random(json);
        student.train();
        using var teacher = FrozenModelTeacher.CopyOf(student);
        var rows = RandomRows(16, 32, 61);
        var config = new TrainerConfig { Method = "mft", MaxSteps = 60, BatchSize = 4, ContextLength = 32, WarmupSteps = 0, LearningRate = 1e-3 };
        var trainer = new Trainer(config, student, teacher, rows, null, new Mft.Jobs.RunFolderRecord(TempDir.Create($"leak-{family}")), "leak");
        var live = new List<long>();
        trainer.StepCompleted += m =>
        {
            if (m.Step % 10 != 0) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        };
        // When
        trainer.Run();
        // Then the live-tensor count stops changing after warm-up
        Assert.Equal(6, live.Count);
        Assert.True(live.Skip(1).Distinct().Count() == 1, $"{family} live tensors: {string.Join(", ", live)}");
    }

    // A real vocabulary (Qwen's 151,936) on a tiny body: one (tokens, vocabulary) tensor of a batch is 39 MB here, so a
    // single one kept per step, or a chunk-sized one per evaluation, shows at once; the run stays fast.
    private const int LargeVocab = 151_936;
    private const int Steps = 30;

    [Theory]
    [InlineData("ft", false, false)]
    [InlineData("mft", false, false)]
    [InlineData("mft", true, false)]   // LoRA student, teacher = the base with adapters off
    [InlineData("ft", false, true)]    // bf16: the head's backward by hand over 2 chunks, its gradient kept in bf16
    public void Should_keep_live_tensors_and_resident_memory_flat_with_a_150k_vocabulary(string method, bool lora, bool bf16)
    {
        // Given a tiny model with a real vocabulary
        using var student = TinyModels.Random(TinyModels.LlamaJson(vocab: LargeVocab, hidden: 64, layers: 2, tied: true));
        student.train();
        ITeacher? teacher = method == "ft" ? null : lora ? null : FrozenModelTeacher.CopyOf(student);
        if (lora)
        {
            ModelAdapters.Attach(student, new AdapterConfig { Kind = AdapterKind.Lora, Rank = 4, Alpha = 8 });
            teacher = new AdaptersOffTeacher(student);
        }
        var rows = RandomRows(8, 32, LargeVocab);
        var config = new TrainerConfig { Method = method, MaxSteps = Steps, BatchSize = 2, ContextLength = 32, WarmupSteps = 0, LearningRate = 1e-3, LossChunkTokens = 32,
            Precision = bf16 ? Mft.Runtime.Precision.Bf16 : Mft.Runtime.Precision.Fp32 };
        var trainer = new Trainer(config, student, teacher, rows, null, new Mft.Jobs.RunFolderRecord(TempDir.Create("leak-large")), "leak");
        var (live, rss) = (new List<long>(), new List<double>());
        trainer.StepCompleted += m => { if (m.Step % 5 == 0) Sample(live, rss); };
        // When
        trainer.Run();
        teacher?.Dispose();
        // Then
        AssertFlat(live, rss, $"{method}{(lora ? "+lora" : "")}{(bf16 ? " bf16" : "")}");
    }

    [Fact]
    public void Should_keep_live_tensors_and_resident_memory_flat_over_repeated_evaluations_with_a_150k_vocabulary()
    {
        // Given a tiny model with a real vocabulary and 4 windows of 64 tokens
        using var model = TinyModels.Random(TinyModels.LlamaJson(vocab: LargeVocab, hidden: 64, layers: 2, tied: true));
        var windows = RandomRows(4, 63, LargeVocab).Select(r => new TokenSequence(r.Ids, [0, .. Enumerable.Repeat(1, r.Ids.Length - 1)])).ToList();
        var (live, rss) = (new List<long>(), new List<double>());
        // When evaluated 30 times
        for (int i = 1; i <= Steps; i++)
        {
            Perplexity.Evaluate(model, windows, batchSize: 2, chunkTokens: 64);
            if (i % 5 == 0) Sample(live, rss);
        }
        // Then
        AssertFlat(live, rss, "evaluation");
    }

    private static List<TokenSequence> RandomRows(int count, int length, int vocab)
    {
        var rng = new Random(1);
        return Enumerable.Range(0, count).Select(_ =>
            new TokenSequence(Enumerable.Range(0, length + 1).Select(_ => rng.Next(vocab)).ToArray(), [0, .. Enumerable.Repeat(1, length)])).ToList();
    }

    private static void Sample(List<long> live, List<double> rss)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        using var p = Process.GetCurrentProcess();
        rss.Add(p.WorkingSet64 / 1048576.0);
    }

    /// <summary>Live tensors unchanged after the first sample; resident memory up by under 40 MB from the second to the last (a leaked (64, V) tensor per step would add 39 MB a step).</summary>
    private static void AssertFlat(List<long> live, List<double> rss, string what)
    {
        Assert.Equal(Steps / 5, live.Count);
        Assert.True(live.Skip(1).Distinct().Count() == 1, $"{what}: live tensors {string.Join(", ", live)}");
        double growth = rss[^1] - rss[1];
        Assert.True(growth < 40, $"{what}: RSS grew {growth:F1} MB: {string.Join(", ", rss.Select(r => r.ToString("F0")))}");
    }
}
