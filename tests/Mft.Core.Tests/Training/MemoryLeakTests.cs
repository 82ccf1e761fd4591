using System.Diagnostics;
using Mft.Data;
using Mft.Models;
using Mft.Training;
using TorchSharp;

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
            new TrainingSequence(Enumerable.Range(0, 33).Select(_ => rng.Next(61)).ToArray(), [0, .. Enumerable.Repeat(1, 32)])).ToList();
        var config = new TrainerConfig { Method = "mft", MaxSteps = 200, BatchSize = 4, ContextLength = 32, WarmupSteps = 0, LearningRate = 1e-3 };
        var trainer = new Trainer(config, student, teacher, rows, null, TempDir.Create("leak"), "leak");
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
}
