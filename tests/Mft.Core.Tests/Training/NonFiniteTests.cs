using Mft.Data;
using Mft.Training;
using static TorchSharp.torch;

namespace Mft.Tests.Training;

public sealed class NonFiniteTests
{
    private static (Trainer Trainer, Mft.Models.CausalLM Model) Setup(NonFiniteAction onNonFinite)
    {
        var model = TinyModels.Random(TinyModels.LlamaJson());
        using (no_grad()) model.named_parameters().First(p => p.name.EndsWith("norm.weight")).parameter.fill_(float.NaN);
        var rows = Enumerable.Range(0, 4).Select(i => new TokenSequence(Enumerable.Range(i, 9).ToArray(), [0, 1, 1, 1, 1, 1, 1, 1, 1])).ToList();
        var config = new TrainerConfig { Method = "ft", MaxSteps = 2, BatchSize = 2, ContextLength = 8, WarmupSteps = 0, OnNonFinite = onNonFinite };
        return (new Trainer(config, model, null, rows, null, new Mft.Jobs.RunFolderRecord(TempDir.Create("nan")), "nan"), model);
    }

    [Fact]
    public void Should_stop_with_a_clear_message_and_leave_weights_untouched()
    {
        var (trainer, model) = Setup(NonFiniteAction.Stop);
        var before = model.named_parameters().First(p => p.name.Contains("q_proj")).parameter.clone();
        var e = Assert.Throws<MftException>(() => trainer.Run());
        Assert.Contains("not finite", e.Message);
        Assert.True(before.equal(model.named_parameters().First(p => p.name.Contains("q_proj")).parameter).all().item<bool>());
    }

    [Fact]
    public void Should_skip_such_steps_when_asked()
    {
        var (trainer, model) = Setup(NonFiniteAction.Skip);
        var before = model.named_parameters().First(p => p.name.Contains("q_proj")).parameter.clone();
        var skipped = 0;
        trainer.StepCompleted += m => { if (m.Skipped) skipped++; };
        Assert.Equal(2, trainer.Run().Step);
        Assert.Equal(2, skipped);
        Assert.True(before.equal(model.named_parameters().First(p => p.name.Contains("q_proj")).parameter).all().item<bool>());
    }
}

public sealed class EvaluationScheduleTests
{
    [Fact]
    public void Should_space_evaluations_evenly_or_densely_early()
    {
        var linear = new TrainerConfig { Evaluations = 4 };
        Assert.Equal(new[] { 25, 50, 75, 100 }, Trainer.EvaluationSteps(linear, 100).Order());
        Assert.Equal(new[] { 4, 16, 36, 64, 100 }, Trainer.EvaluationSteps(linear with { Evaluations = 5, EvaluationSpacing = EvaluationSpacing.Quadratic }, 100).Order());
        Assert.Equal(new[] { 30, 60, 90 }, Trainer.EvaluationSteps(new TrainerConfig { EvalEvery = 30 }, 100).Order());
    }
}
