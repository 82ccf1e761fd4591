using Mft.Cli;
using Mft.Cli.Commands;

namespace Mft.Tests.Cli;

public sealed class OptionArgsTests
{
    private static TrainOptions Bind(params string[] args) => OptionArgs.Bind<TrainOptions>(args, new Dictionary<string, string>());

    [Fact]
    public void Should_read_flags_with_a_separate_or_inline_value_and_switches()
    {
        var o = Bind("--lr", "0.003", "--batch-size=2", "--keep-best", "--resume=false", "--target-modules", "q_proj,v_proj", "--adapter", "lora", "--tau", "-0.5");
        Assert.Equal(0.003, o.Job.Trainer.LearningRate);
        Assert.Equal(2, o.Job.Trainer.BatchSize);
        Assert.True(o.Job.Trainer.KeepBest);
        Assert.False(o.Job.Resume);
        Assert.Equal(["q_proj", "v_proj"], o.Job.Adapter!.Targets);
        Assert.Equal(-0.5, o.Job.Trainer.Tau);   // a negative number is a value, not a flag (validation rejects it later)
        Assert.Equal(2, Bind("--seed", "1", "--seed", "2").Job.Trainer.Seed);   // the last wins, as with argparse
    }

    [Theory]
    [InlineData(new[] { "--no-such-flag" }, "Unknown option 'no-such-flag'")]
    [InlineData(new[] { "data.txt" }, "Unexpected argument 'data.txt'")]
    [InlineData(new[] { "--lr" }, "lr: needs a value")]
    [InlineData(new[] { "--lr", "--seed", "1" }, "lr: needs a value")]
    public void Should_reject_a_malformed_command_line_naming_the_argument(string[] args, string expected) =>
        Assert.Contains(expected, Assert.ThrowsAny<MftException>(() => Bind(args)).Message);

    [Fact]
    public void Should_fill_what_the_command_line_left_out_from_the_config_file_and_say_which_keys_it_gave()
    {
        var yaml = Path.Combine(TempDir.Create("option-args"), "run.yaml");
        File.WriteAllText(yaml, "lr: 0.01\nbatch-size: 3\ntarget_modules: [q_proj, o_proj]\nadapter: ia3\n");
        var fromFile = new Dictionary<string, string>();
        var o = OptionArgs.Bind<TrainOptions>(["--config", yaml, "--lr", "0.02"], fromFile);
        Assert.Equal(0.02, o.Job.Trainer.LearningRate);
        Assert.Equal(3, o.Job.Trainer.BatchSize);
        Assert.Equal(["q_proj", "o_proj"], o.Job.Adapter!.Targets);
        Assert.Equal(["adapter", "batch_size", "target_modules"], fromFile.Keys.Order());
        Assert.All(fromFile.Values, f => Assert.Equal(yaml, f));
    }

    [Fact]
    public void Should_take_the_teacher_cache_commands_share_beside_all_of_train()
    {
        var o = OptionArgs.Bind<TeacherCacheOptions>(["--shard", "2/4", "--teacher-cache-exact", "--model", "m"], new Dictionary<string, string>());
        Assert.Equal("2/4", o.Shard);
        Assert.True(o.Train.Job.Trainer.TeacherCacheExact);
        Assert.Equal("m", o.Train.Job.ModelDirectory);
    }
}
