using Mft.Sweep;
using Mft.Tests.Packaging;

namespace Mft.Tests.Sweep;

public sealed class SweepConfigTests
{
    [Theory]
    [InlineData("methods:\n  m: {method: ft, replay: 0.25}\n", "sweep.yaml: line 2: 'replay' in m is not an option of mft train")]
    [InlineData("data: x\nlearning_rate: 1\n", "sweep.yaml: line 2: unknown key 'learning_rate' in the sweep")]
    [InlineData("lr: 0.001\n", "sweep.yaml: line 1: unknown key 'lr' in the sweep (an option of mft train: put it under train:)")]
    [InlineData("budgets: [500]\n", "sweep.yaml: line 1: unknown key 'budgets' in the sweep (now grid: {max_samples: [...]})")]
    [InlineData("grid: {domains: [a]}\n", "sweep.yaml: line 1: unknown key 'domains' in the grid (domain, max_samples, seed) (now grid: {domain: [...]})")]
    public void Should_name_an_unknown_key_and_its_line(string yaml, string expected) =>
        Assert.Equal(expected, Assert.Throws<MftException>(() => SweepFile.Parse(yaml, "sweep.yaml")).Message);

    [Theory]
    [InlineData("train:\n  max_steps: abc\n", "sweep.yaml: line 2, key 'max_steps': must be a whole number, got 'abc'")]
    [InlineData("grid:\n  seed: [0]\n  domain: bible\n", "sweep.yaml: line 3, key 'domain': expected a list ([a, b])")]
    [InlineData("grid: {domain: [[bible]]}\n", "sweep.yaml: line 1, key 'domain': expected a single value, not a list or a mapping")]
    [InlineData("methods:\n  m: {tau: x}\n", "sweep.yaml: line 2, key 'tau': must be a number, got 'x'")]
    [InlineData("train:\n  lr: [0.1, 0.2]\n", "sweep.yaml: line 2, key 'lr': one value per option here (a list of values makes variants of a method, under methods:)")]
    [InlineData("train:\n  schedule: cosin\n", "sweep.yaml: line 2, key 'schedule': 'cosin' is unknown (expected cosine, linear, constant)")]
    public void Should_name_the_line_key_and_expected_value_of_a_mistyped_value(string yaml, string expected) =>
        Assert.Equal(expected, Assert.Throws<MftException>(() => SweepFile.Parse(yaml, "sweep.yaml")).Message);

    [Fact]
    public void Should_read_train_and_method_keys_as_mft_train_parses_them()
    {
        var config = SweepFile.Parse("train: {lr: 1.0e-3, context: 64}\nmethods:\n  m: {method: mft, tau: 0.1, adapter: lora, lora_rank: 4, lora_alpha: 8, replay_fraction: 0.25, lr: 0.003, target_modules: [q_proj, v_proj]}\n", "s");
        var o = config.Template(config.Methods.Single());
        Assert.Equal(("mft", 0.1, 4, 8.0, 0.25, 0.003, 64), (o.Trainer.Method, o.Trainer.Tau, o.Adapter!.Rank, o.Adapter.Alpha, o.ReplayFraction, o.Trainer.LearningRate, o.Trainer.ContextLength));
        Assert.Equal(["q_proj", "v_proj"], o.Adapter.Targets);
        // values are kept as mft train writes them, so 1.0e-3 and 0.001 are the same sweep
        Assert.Equal("0.001", config.Train["lr"]);
        // and a key left out has mft train's default
        Assert.Equal(new Mft.Training.TrainerConfig().BatchSize, o.Trainer.BatchSize);
    }

    /// <summary>Every sweep file the repository ships (sweeps/, the cluster test's) is in the current format and valid.</summary>
    [Fact]
    public void Should_read_every_committed_sweep_file()
    {
        var files = Directory.GetFiles(Path.Combine(Repository.Root, "sweeps"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(Repository.Root, "tests", "cluster"), "*.yaml")).ToList();
        Assert.Contains(files, f => f.EndsWith(Path.Combine("cluster", "tiny.yaml")));
        foreach (var file in files)
        {
            var config = SweepFile.Parse(File.ReadAllText(file), file);
            (config with { Data = Path.Combine(Repository.Root, config.Data) }).Validate(file);
        }
    }

    /// <summary>Every option of mft train, by what it decides: a method may set only how it learns; the sweep sets the rows' own keys itself.</summary>
    [Fact]
    public void Should_let_a_method_set_exactly_the_options_whose_scope_is_the_method()
    {
        int accepted = 0;
        foreach (var option in SweepConfig.Schema.Options)
        {
            var given = new Dictionary<string, string> { ["method"] = "mft", ["adapter"] = "lora", [option.Key] = SampleValue(option) };
            var config = SweepFile.Parse(TinySweep.Yaml($"{{m: {{{string.Join(", ", given.Select(g => $"{g.Key}: {g.Value}"))}}}}}"), "s.yaml");
            var error = Record.Exception(() => config.Validate("s.yaml"));
            if (SweepJobs.SetBySweep.ContainsKey(option.Key)) Assert.Contains($"{option.Key} is set by the sweep for each run", error?.Message);
            else if (option.Scope != OptionScope.Method) Assert.Contains($"method m: {option.Key} ", error?.Message);
            else { Assert.Null(error); accepted++; }
        }
        Assert.True(accepted >= 18, $"only {accepted} options are a method's");
    }

    /// <summary>A valid value of an option: its default, or one of its type.</summary>
    private static string SampleValue(OptionSpec option) => option.Key switch
    {
        "adapter" => "lora", "target_modules" => "[q_proj]", "teacher_cache_topk" => "0", "max_degeneralization" => "0.1",
        _ when SweepConfig.Schema.DefaultOf(option) is { Length: > 0 } d => $"'{d}'",
        _ => (Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) switch
        {
            var t when t == typeof(int) => "3", var t when t == typeof(double) => "0.5", var t when t == typeof(bool) => "true", _ => "x",
        },
    };

    [Theory]
    [InlineData("{learning_rat: 1}", "'learning_rat' in m is not an option of mft train")]
    [InlineData("{seed: 3}", "method m: seed is set by the sweep for each run (the grid's seed)")]
    [InlineData("{context: 64}", "method m: context decides the rows every method trains on: set it in train: (or the grid) for all methods alike")]
    [InlineData("{evaluations: 3}", "method m: evaluations decides what is measured and when: set it in train: for all methods alike")]
    [InlineData("{temperature: 0}", "method m: temperature: must be positive, got 0")]
    [InlineData("{lora_dropout: 0.1}", "method m: lora_dropout: needs adapter")]
    [InlineData("{schedule: cosin}", "key 'schedule': 'cosin' is unknown (expected cosine, linear, constant)")]
    public void Should_refuse_method_options_that_are_not_a_methods_to_change_or_not_valid(string options, string expected)
    {
        var error = Assert.ThrowsAny<MftException>(() => SweepFile.Parse(TinySweep.Yaml($"{{m: {options}}}"), "s.yaml").Validate("s.yaml"));
        Assert.Contains("s.yaml: " , error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Should_refuse_train_options_the_sweep_sets_and_a_sweep_without_fixed_steps()
    {
        string Error(string train) => Assert.ThrowsAny<MftException>(() => SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft}}", train: train), "s.yaml").Validate("s.yaml")).Message;
        Assert.Equal("s.yaml: train: out is set by the sweep for each run (the run's folder in the sweep's --out)", Error("out: x"));
        Assert.Equal("s.yaml: train: max_samples is set by the sweep for each run (the grid's max_samples)", Error("max_samples: 3"));
        Assert.Equal("s.yaml: train: max_steps: a sweep trains every method for the same number of steps: give it", Error("max_steps: 0"));
        Assert.Equal("s.yaml: train: teacher_cache_exact: and teacher_cache_topk are two kinds of cache: choose one", Error("teacher_cache_exact: true\nteacher_cache_topk: 8"));
    }

    [Fact]
    public void Should_write_sweep_json_that_reads_back_to_the_same_config()
    {
        var config = SweepFile.Parse(TinySweep.Yaml("{ft: {method: ft, lr: [1.0e-3, 1.0e-2]}, mft: {method: mft, tau: 0.2}}", top: "epoch_matched: true"), "s.yaml");
        var again = SweepConfig.FromJson(config.ToJson(), "sweep.json");
        Assert.Equal(config.ToJson(), again.ToJson());
        Assert.Equal(config.Variants().Select(v => v.Name), again.Variants().Select(v => v.Name));
        Assert.Contains("sweep.json: not a sweep config", Assert.Throws<MftException>(() => SweepConfig.FromJson("{\"grid\": 3}", "sweep.json")).Message);
    }

    [Fact]
    public void Should_refuse_a_yaml_alias_bomb_at_its_first_value_without_expanding_it()
    {
        // Given ten levels of aliases in one value, each a list of nine of the one before: 3.5 billion values if expanded
        var levels = new List<string> { "&x0 [a, a, a, a, a, a, a, a, a]" };
        for (int i = 1; i < 10; i++) levels.Add($"&x{i} [{string.Join(", ", Enumerable.Repeat($"*x{i - 1}", 9))}]");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var yaml in new[] { $"train:\n  target_modules: [{string.Join(", ", levels)}]\n", $"grid:\n  domain: [{string.Join(", ", levels)}]\n" })
        {
            // Then the first value that is not a single one is refused, naming the line and key
            var e = Assert.Throws<MftException>(() => SweepFile.Parse(yaml, "bomb.yaml"));
            Assert.Contains("bomb.yaml: line 2, key '", e.Message);
            Assert.Contains("expected a single value, not a list or a mapping", e.Message);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Should_copy_a_record_when_it_applies_options_to_it()
    {
        var job = new Mft.Jobs.FinetuneJobConfig { ModelDirectory = "m", DataPath = "d", OutputDirectory = "o", Trainer = new() { Temperature = 1 } };
        var changed = OptionSchema.Of<Mft.Jobs.FinetuneJobConfig>().Apply(job, new Dictionary<string, string> { ["temperature"] = "2", ["lora_rank"] = "4", ["adapter"] = "lora" });
        Assert.Equal((1.0, (Mft.Adapters.AdapterConfig?)null), (job.Trainer.Temperature, job.Adapter));
        Assert.Equal((2.0, 4, "m"), (changed.Trainer.Temperature, changed.Adapter!.Rank, changed.ModelDirectory));
    }

    [Fact]
    public void Should_keep_one_teacher_cache_per_precision_and_the_fp32_folder_as_before()
    {
        // Given methods that differ only in precision (a cache holds one precision's teacher and refuses the other)
        var config = SweepFile.Parse("train: {teacher_cache_exact: true}\nmethods:\n  a: {method: mft, tau: 0.1}\n  b: {method: mft, tau: 0.1, precision: bf16}\n", "s");
        var folders = config.Methods.Select(m => Mft.Sweep.SweepLayout.TeacherFolder("bible", 500, 0, config.Template(m))).ToList();
        // Then fp32 keeps the folder sweeps always had, and bf16 gets its own
        Assert.Equal(Path.Combine("teachers", "bible", "n500", "seed0", "replay0"), folders[0]);
        Assert.Equal(Path.Combine("teachers", "bible", "n500", "seed0", "precision-bf16-replay0"), folders[1]);
    }
}
