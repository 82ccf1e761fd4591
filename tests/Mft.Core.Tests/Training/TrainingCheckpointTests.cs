using Mft.Training;
using Mft.Runs;
using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Tests.Training;

public sealed class TrainingCheckpointTests
{
    [Fact]
    public void Should_report_a_failed_write_clearly_and_keep_the_previous_checkpoint()
    {
        // Given a saved checkpoint at step 3
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        var rows = new List<Mft.Data.TokenSequence> { new([1, 2, 3], [0, 1, 1]) };
        using var optimizer = new Trainer(new TrainerConfig { Method = "ft", MaxSteps = 1, ContextLength = 8 }, model, null, rows, null, new Mft.Jobs.RunFolderRecord(TempDir.Create("x")), "f")
            .CreateOptimizer();
        var outDir = TempDir.Create("ckpt");
        TrainingCheckpoint.Save(outDir, model, optimizer, new TrainingState { Step = 3 });
        // When the next write cannot happen (its temporary folder's name is taken by a file, as a full or read-only disk would fail it)
        File.WriteAllText(new RunLayout(outDir).CheckpointInProgress(Environment.ProcessId), "in the way");
        var e = Assert.Throws<MftException>(() => TrainingCheckpoint.Save(outDir, model, optimizer, new TrainingState { Step = 4 }));
        // Then the message says so, and the step-3 checkpoint still loads
        Assert.Contains("could not write checkpoint", e.Message);
        Assert.Contains("previous checkpoint is intact", e.Message);
        var dir = TrainingCheckpoint.Find(outDir)!;
        Assert.Equal(3, TrainingCheckpoint.Load(dir, model, optimizer).Step);
    }
}
