using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Adapters;
using Mft.Cli;
using Mft.Cli.Commands;
using Mft.Corpora;
using Mft.Evaluation;
using Mft.Export.Gguf;
using Mft.Generation;
using Mft.Jobs;
using Mft.Tests.Packaging;
using Mft.Training;
using Spectre.Console.Cli;

namespace Mft.Tests.Cli;

/// <summary>
/// Every command of <see cref="MftCommands"/> takes the library's records as its options (<see cref="OptionSchema"/>):
/// given only its required options, it binds the record a library caller writes by hand; its <c>--help</c> shows those
/// defaults; an unknown option is an error. demo's and sweep's settings are written apart, and their help's defaults
/// are checked against the values they have.
/// </summary>
[Collection("console")]
public sealed class OptionDefaultsTests
{
    /// <summary>Each command: its required options, and the command's record as a library caller writes it with the same.</summary>
    private static readonly Dictionary<string, (string[] Required, object Record)> Library = new()
    {
        ["generate"] = (["--model", "m"], new GenerateOptions { Job = new GenerateJobConfig { ModelDirectory = "m" } }),
        ["perplexity"] = (["--model", "m", "--data", "d"], new PerplexityJobConfig { ModelDirectory = "m", DataPath = "d" }),
        ["train"] = (["--model", "m", "--data", "d", "--out", "o"], new TrainOptions { Job = FinetuneJob() }),
        ["corpus build"] = ([], new CorpusBuildConfig()),
        ["tokenizer train"] = (["--data", "d", "--out", "o"], new TokenizerTrainJobConfig { DataPath = "d", OutputDirectory = "o" }),
        ["teacher-cache"] = (["--model", "m", "--data", "d", "--out", "o"], new TeacherCacheOptions { Train = new TrainOptions { Job = FinetuneJob() } }),
        ["merge"] = (["--model", "m", "--adapter", "a", "--out", "o"], new AdapterMergeConfig { ModelDirectory = "m", AdapterDirectory = "a", OutputDirectory = "o" }),
        ["export"] = (["--model", "m", "--out", "o.gguf"], new ExportOptions { Gguf = new GgufExportOptions { ModelDirectory = "m", OutputFile = "o.gguf" } }),
        ["pretrain"] = (["--tokenizer", "t", "--out", "o"], new PretrainJobConfig { TokenizerDirectory = "t", OutputDirectory = "o" }),
        ["evaluate"] = (["--base", "b", "--tuned", "t"], new EvaluateJobConfig { BaseDirectory = "b", TunedDirectory = "t" }),   // and data or tasks, checked when it runs
        ["tasks build"] = ([], new TaskBuildConfig()),
    };

    private static FinetuneJobConfig FinetuneJob() => new() { ModelDirectory = "m", DataPath = "d", OutputDirectory = "o", Trainer = new TrainerConfig() };

    public static TheoryData<string> Commands() => [.. MftCommands.All.Select(c => c.Name)];

    [Fact]
    public void Should_check_every_command_there_is()
    {
        Assert.Equal(MftCommands.All.Select(c => c.Name).Order(), Library.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Should_bind_only_the_required_options_to_the_record_a_library_caller_writes(string name)
    {
        // Given the command with only its required options, and the library's record with only the same
        var command = MftCommands.All.Single(c => c.Name == name);
        var (required, library) = Library[name];
        var bind = typeof(OptionArgs).GetMethod(nameof(OptionArgs.Bind))!.MakeGenericMethod(command.Options);
        var cli = bind.Invoke(null, [required, new Dictionary<string, string>()])!;
        // Then every setting agrees
        var options = new JsonSerializerOptions { Converters = { EnumOption.JsonConverter } };
        var a = JsonSerializer.SerializeToNode(cli, command.Options, options)!;
        var b = JsonSerializer.SerializeToNode(library, command.Options, options)!;
        Assert.True(JsonNode.DeepEquals(a, b), $"{name}: the command binds\n{a}\nthe library's record is\n{b}");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Should_refuse_an_unknown_option_naming_it(string name)
    {
        var (code, err) = Run([.. name.Split(' '), .. Library[name].Required, "--no-such-option", "1"]);
        Assert.Equal(2, code);
        Assert.Equal("error: Unknown option 'no-such-option'", err.Trim());
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("export")]
    [InlineData("corpus build")]
    [InlineData("tokenizer train")]
    public void Should_refuse_device_where_a_command_runs_on_the_cpu_only(string name)
    {
        var (code, err) = Run([.. name.Split(' '), .. Library[name].Required, "--device", "cpu"]);
        Assert.Equal(2, code);
        Assert.Contains("Unknown option 'device'", err);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("teacher-cache")]
    [InlineData("evaluate")]
    [InlineData("perplexity")]
    [InlineData("generate")]
    public void Should_take_precision_on_every_command_that_runs_a_model_and_name_it_in_a_bad_value(string name)
    {
        // Given a command that runs a model: its options have one precision, with fp32, bf16 and auto
        var precision = Assert.Single(new OptionSchema(MftCommands.All.Single(c => c.Name == name).Options).Options, o => o.Key == "precision");
        Assert.Equal(typeof(Mft.Runtime.Precision), precision.ValueType);
        Assert.Equal(Mft.Runtime.ComputeOptions.PrecisionHelp, precision.Help);
        // When it is given a value that is not a precision, Then the error names the option
        var (code, err) = Run([.. name.Split(' '), .. Library[name].Required, "--precision", "fp16"]);
        Assert.Equal(2, code);
        Assert.Equal("error: --precision: 'fp16' is unknown (expected fp32, bf16, auto)", err.Trim());
    }

    [Theory]
    [InlineData("evaluate", "--base: is required")]
    [InlineData("merge", "--model: is required")]
    [InlineData("perplexity", "--model: is required")]
    public void Should_name_a_missing_required_option_by_its_flag_with_verbose_taken_on_every_command(string name, string expected)
    {
        var (code, err) = Run([.. name.Split(' '), "--verbose"]);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {expected}", err);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Should_show_in_the_help_of_a_fresh_mft_the_librarys_defaults(string name)
    {
        // Given mft NAME --help, run as the user runs it
        var r = ExternalProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "mft.dll"), .. name.Split(' '), "--help"],
            Repository.Root, TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["COLUMNS"] = "400" });
        Assert.True(r.ExitCode == 0, r.Describe());
        var lines = r.Output.Split('\n').Select(l => l.Trim()).ToList();
        var command = MftCommands.All.Single(c => c.Name == name);
        var schema = new OptionSchema(command.Options);
        var record = Library[name].Record;
        foreach (var option in schema.Options)
        {
            // Then every option is listed, with the library record's value as its default (none for a required one)
            var flag = option.IsSwitch ? option.Flag : $"{option.Flag} <{OptionSchema.PlaceholderOf(option)}>";
            var line = lines.FirstOrDefault(l => l.StartsWith(flag + " ", StringComparison.Ordinal) || l == flag);
            Assert.True(line is not null, $"mft {name} --help does not list {flag}:\n{r.Output}");
            if (option.IsSwitch || OptionSchema.IsCreator(option) || option.Group?.GetCustomAttribute<OptionGroupAttribute>()?.CreatedBy is not null) continue;
            var shown = line[flag.Length..].TrimStart();
            if (option.Path[^1].CustomAttributes.Any(a => a.AttributeType.Name == "RequiredMemberAttribute"))
                Assert.False(shown.StartsWith(OptionSchema.Format(option, record) + " ", StringComparison.Ordinal), $"{flag}: a required option shows a default");
            else if (OptionSchema.Format(option, record) is { Length: > 0 } expected)
                Assert.True(shown.StartsWith(expected + " ", StringComparison.Ordinal) || shown == expected, $"mft {name} --help: {flag} shows '{shown}', the library's default is {expected}");
        }
        Assert.Contains(lines, l => l.StartsWith(MftApp.Verbose, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(typeof(DemoSettings))]
    [InlineData(typeof(SweepSettings))]
    public void Should_show_in_the_help_the_default_each_option_really_has(Type settings)
    {
        // Given a settings class as the command line creates it (no option given)
        var instance = Activator.CreateInstance(settings)!;
        foreach (var p in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<CommandOptionAttribute>() is null || p.GetCustomAttribute<DefaultValueAttribute>() is not { } shown) continue;
            // Then the default the help prints is the value the option has
            Assert.True(Equals(Convert.ChangeType(shown.Value, Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType), p.GetValue(instance)),
                $"{settings.Name}.{p.Name}: the help shows {shown.Value}, the option defaults to {p.GetValue(instance)}");
        }
    }

    private static (int Code, string Err) Run(params string[] args) => InProcessMft.Run(args);
}
