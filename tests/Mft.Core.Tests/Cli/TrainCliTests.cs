using System.Text.Json.Nodes;
using Mft.Cli;

namespace Mft.Tests.Cli;

[Collection("console")]
public sealed class TrainCliTests
{
    private static (int Code, string Err) Run(params string[] args) => InProcessMft.Run(args);

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
    public void Should_replay_a_run_from_its_run_config_yaml_to_the_same_weights()
    {
        // Given a run with options off their defaults (flags only, one path with a quote in it)
        var root = TempDir.Create("cli-replay");
        var data = Path.Combine(root, "it's domain.txt");
        File.Copy(TinyCorpus.DomainFile(), data);
        var first = Path.Combine(root, "first");
        var (code, err) = Run("train", "--model", TinyCorpus.ModelDirectory(), "--data", data, "--general", TinyCorpus.GeneralFile(), "--method", "mft",
            "--tau", "0.35", "--max-steps", "4", "--context", "32", "--batch-size", "4", "--lr", "0.003", "--warmup-steps", "1", "--seed", "7",
            "--adapter", "lora", "--lora-rank", "4", "--eval-every", "2", "--out", first);
        Assert.True(code == 0, err);
        var yaml = Path.Combine(first, "run_config.yaml");
        Assert.Contains("tau: 0.35", File.ReadAllText(yaml));
        Assert.DoesNotContain(File.ReadLines(yaml), l => l.StartsWith("out:", StringComparison.Ordinal));
        // When it is replayed from its run_config.yaml into another folder
        var second = Path.Combine(root, "second");
        (code, err) = Run("train", "--config", yaml, "--out", second);
        // Then the adapter weights and the evaluations are the same, byte for byte
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "adapter", "adapter_model.safetensors")), File.ReadAllBytes(Path.Combine(second, "adapter", "adapter_model.safetensors")));
        static IEnumerable<string> Evaluations(string dir) => File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Where(l => l.Contains("\"eval\""));
        Assert.Equal(Evaluations(first), Evaluations(second));
        Assert.Equal(3, Evaluations(second).Count());
    }

    [Fact]
    public void Should_name_a_bad_value_from_a_config_file_by_its_key_and_file_and_one_from_the_command_line_by_its_flag()
    {
        var yaml = Path.Combine(TempDir.Create("yaml-value"), "run.yaml");
        File.WriteAllText(yaml, "batch_size: 0\nmax_degeneralization: 0.05\n");
        var (code, err) = Run("train", "--config", yaml, "--model", "m", "--data", "d", "--out", "o");
        Assert.NotEqual(0, code);
        Assert.Contains($"error: {yaml}: batch_size: must be positive, got 0", err);
        (code, err) = Run("train", "--config", yaml, "--batch-size", "2", "--model", "m", "--data", "d", "--out", "o");
        Assert.Contains($"error: {yaml}: max_degeneralization: needs general (general-domain text", err);   // the file's key, and the key it needs
        (code, err) = Run("train", "--max-degeneralization", "0.05", "--model", "m", "--data", "d", "--out", "o");
        Assert.Contains("error: --max-degeneralization: needs --general (general-domain text", err);
    }

    [Fact]
    public void Should_list_every_option_of_the_library_record_with_its_default_in_the_help()
    {
        // Given the help as mft train prints it
        var old = Spectre.Console.AnsiConsole.Console;
        var output = new StringWriter();
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            { Out = new Spectre.Console.AnsiConsoleOutput(output), ColorSystem = Spectre.Console.ColorSystemSupport.NoColors });
        int code;
        try { code = MftApp.Run(["train", "--help"]); }
        finally { Spectre.Console.AnsiConsole.Console = old; }
        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n');
        // Then every key of the job's records is there as a flag, each on a line with its default (the records' own)
        var trainer = new Mft.Training.TrainerConfig();
        foreach (var (flag, shown) in new[] { ("--lr <LR>", trainer.LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            ("--batch-size <N>", $"{trainer.BatchSize}"), ("--lora-rank <R>", $"{new Mft.Adapters.AdapterConfig().Rank}"), ("--schedule <cosine|linear|constant>", "cosine") })
            Assert.Contains(lines, l => l.Contains(flag + " ", StringComparison.Ordinal) && l.Contains($" {shown} ", StringComparison.Ordinal));
        foreach (var option in OptionSchema.Of<Mft.Jobs.FinetuneJobConfig>().Options)
            Assert.Contains(lines, l => l.TrimStart().StartsWith(option.Flag + (option.IsSwitch ? " " : " <"), StringComparison.Ordinal));
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
    [InlineData("--tau", "1.5", "--tau: must be in [0, 1]")]
    [InlineData("--lr", "0", "--lr: must be positive")]
    [InlineData("--batch-size", "0", "--batch-size: must be positive")]
    [InlineData("--method", "sft", "--method: 'sft' is unknown")]
    [InlineData("--schedule", "cosin", "error: --schedule: 'cosin' is unknown (expected cosine, linear, constant)")]
    [InlineData("--packing", "stack", "error: --packing: 'stack' is unknown (expected pack, pad)")]
    [InlineData("--on-nonfinite", "ignore", "error: --on-nonfinite: 'ignore' is unknown (expected stop, skip)")]
    public void Should_reject_invalid_options_with_a_clear_message(string option, string value, string expected)
    {
        var (code, err) = Run("train", "--model", "m", "--data", "d", "--out", "o", option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }
}
