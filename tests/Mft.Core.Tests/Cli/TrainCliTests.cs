using System.Text.Json.Nodes;
using Mft.Cli;

namespace Mft.Tests.Cli;

[Collection("console")]
public sealed class TrainCliTests
{
    private static (int Code, string Err) Run(params string[] args)
    {
        var oldErr = Console.Error;
        var e = new StringWriter();
        Console.SetError(e);
        try { return (MftApp.Run(args), e.ToString()); }
        finally { Console.SetError(oldErr); }
    }

    [Fact]
    public void Should_train_from_a_yaml_config_with_flags_overriding_it()
    {
        // Given a YAML config that asks for 4 steps and tau 0.5; the command line overrides max-steps to 3
        var model = TinyCorpus.ModelDirectory();
        var outDir = Path.Combine(TempDir.Create("cli-train"), "out");
        var yaml = Path.Combine(TempDir.Create("yaml"), "run.yaml");
        File.WriteAllText(yaml, $"""
            model: {model}
            data: {TinyCorpus.DomainFile()}
            general: {TinyCorpus.GeneralFile()}
            method: mft
            tau: 0.5
            max_steps: 4
            context: 32
            batch-size: 4
            keep-best: false
            """);
        // When
        var (code, err) = Run("train", "--config", yaml, "--out", outDir, "--max-steps", "3");
        // Then
        Assert.True(code == 0, err);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")))!;
        Assert.Equal(3, report["steps"]!.GetValue<int>());
        Assert.Equal(0.5, report["tau"]!.GetValue<double>());
    }

    [Fact]
    public void Should_reject_unknown_yaml_keys_naming_the_key()
    {
        var yaml = Path.Combine(TempDir.Create("yaml-bad"), "run.yaml");
        File.WriteAllText(yaml, "method: mft\nlearning_rat: 0.1\n");
        var (code, err) = Run("train", "--config", yaml);
        Assert.NotEqual(0, code);
        Assert.Contains("unknown key 'learning_rat'", err);
        Assert.Contains(yaml, err);
    }

    [Theory]
    [InlineData("--tau", "1.5", "--tau must be in [0, 1]")]
    [InlineData("--lr", "0", "--lr must be positive")]
    [InlineData("--batch-size", "0", "--batch-size must be positive")]
    [InlineData("--method", "sft", "--method 'sft' is unknown")]
    public void Should_reject_invalid_options_with_a_clear_message(string option, string value, string expected)
    {
        var (code, err) = Run("train", "--model", "m", "--data", "d", "--out", "o", option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }
}
