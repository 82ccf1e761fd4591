using Mft.Adapters;
using Mft.Cluster;
using Mft.Data;
using Mft.Evaluation;
using Mft.Export.Gguf;
using Mft.Generation;
using Mft.Jobs;
using Mft.Models;
using Mft.Runtime;
using Mft.Teachers;
using Mft.Training;
using TorchSharp;

namespace Mft.Tests.Runtime;

/// <summary>
/// No tensor of a job is born outside a dispose scope, and none piles up from step to step. A tensor outside every
/// scope is freed by the garbage collector's finalizer when nothing references it, and a temporary
/// (<c>t.detach().to(...)</c>) stops being referenced while libtorch still reads it: the finalizer then frees it under
/// the call, which crashed sweeps in CI (docs/runtime.md). Each job runs on a fresh thread, whose dispose-scope
/// statistics are its own: the tests this harness wraps in scopes (<see cref="TensorScopePerTestAttribute"/>) and
/// other tests' threads do not count.
/// </summary>
public sealed class TensorLifetimeTests
{
    private sealed record Counts(long Outside, IReadOnlyList<long> LivePerStep);

    /// <summary>Runs <paramref name="job"/> on a new thread; counts the tensors made there outside any scope, and those live after each step.</summary>
    private static Counts OnFreshThread(Action<Action> job)
    {
        Counts? counts = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var statistics = DisposeScopeManager.Statistics;
                long before = statistics.CreatedOutsideScopeCount;
                var live = new List<long>();
                job(() => live.Add(statistics.ThreadTotalLiveCount));
                counts = new Counts(statistics.CreatedOutsideScopeCount - before, live);
            }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new Exception("the job failed", failure);
        return counts!;
    }

    private static FinetuneJobConfig Job(string method, int steps, int topK = 0, bool exact = false, AdapterConfig? adapter = null, string? outDir = null) => new()
    {
        ModelDirectory = TinyCorpus.ModelDirectory(), DataPath = TinyCorpus.DomainFile(40), GeneralPath = TinyCorpus.GeneralFile(),
        OutputDirectory = outDir ?? Path.Combine(TempDir.Create("lifetime"), "run"), Adapter = adapter, Threads = 1,
        Trainer = new TrainerConfig
        {
            Method = method, Tau = 0.2, MaxSteps = steps, LearningRate = 3e-3, WarmupSteps = 1, BatchSize = 4, ContextLength = 32, Seed = 5,
            EvalEvery = 1, CheckpointEvery = 1, KeepBest = true, TeacherCacheTopK = topK, TeacherCacheExact = exact,
        },
    };

    [Theory]
    [InlineData("ft", 0, false, null)]
    [InlineData("mft", 8, false, null)]            // top-k teacher cache, checked against the exact teacher after training
    [InlineData("mft", 0, true, AdapterKind.Lora)] // hidden-state cache, the student's own head
    [InlineData("kd", 0, false, AdapterKind.Dora)]
    public void Should_make_no_tensor_outside_a_scope_and_keep_live_tensors_flat_in_a_finetuning_job(string method, int topK, bool exact, AdapterKind? kind)
    {
        // Given a job that evaluates, keeps its best weights and writes a checkpoint after every step
        var adapter = kind is { } k ? new AdapterConfig { Kind = k, Rank = 4, Alpha = 8 } : null;
        var config = Job(method, steps: 8, topK, exact, adapter);
        // When it runs
        var counts = OnFreshThread(afterStep =>
        {
            var job = new FinetuneJob(config);
            job.StepCompleted += (_, _) => afterStep();
            job.Run();
        });
        // Then every tensor was made inside a scope, and from the second step on the same number of tensors is live
        Assert.Equal(0, counts.Outside);
        Assert.Equal(8, counts.LivePerStep.Count);
        Assert.True(counts.LivePerStep.Skip(1).Distinct().Count() == 1, $"live tensors after each step: {string.Join(", ", counts.LivePerStep)}");
    }

    [Fact]
    public void Should_make_no_tensor_outside_a_scope_when_a_job_resumes_from_its_checkpoint()
    {
        // Given a job stopped after its third step, with a checkpoint
        var outDir = Path.Combine(TempDir.Create("lifetime-resume"), "run");
        using var stop = new CancellationTokenSource();
        var first = new FinetuneJob(Job("mft", steps: 6, outDir: outDir));
        first.StepCompleted += (m, _) => { if (m.Step == 3) stop.Cancel(); };
        Assert.Throws<OperationCanceledException>(() => first.Run(stop.Token));
        // When it resumes
        var resume = Job("mft", steps: 6, outDir: outDir) with { Resume = true };
        var counts = OnFreshThread(_ => new FinetuneJob(resume).Run());
        // Then
        Assert.Equal(0, counts.Outside);
    }

    [Fact]
    public void Should_make_no_tensor_outside_a_scope_in_the_other_jobs()
    {
        // Given the inputs, made here: the fixtures' own tensors are not the jobs'
        var model = TinyCorpus.ModelDirectory();
        var dir = TempDir.Create("lifetime-jobs");
        var (domain, general) = (SampleReader.Read(TinyCorpus.DomainFile(12)), SampleReader.Read(TinyCorpus.GeneralFile()));
        var topK = Job("mft", 2, topK: 8) with { TeacherCachePath = Path.Combine(dir, "cache", TopKTeacherCache.FileName) };
        var exact = Job("mft", 2, exact: true) with { TeacherCachePath = Path.Combine(dir, "states", ExactTeacherCache.FileName) };
        var measured = Job("ft", 2);
        using var pretrained = PretrainedModel.Open(model);   // generation and perplexity are given a model
        var adapter = Path.Combine(dir, "adapter");
        using (var adapted = PretrainedModel.Open(model))
        {
            var lora = new AdapterConfig { Kind = AdapterKind.Lora, Rank = 2, Alpha = 4 };
            ModelAdapters.Attach(adapted.Model, lora, seed: 1);
            PeftAdapterFiles.Save(adapted.Model, lora, adapter);
        }
        var jobs = new (string Name, Action Run)[]
        {
            ("teacher pass, top-k", () => TeacherPass.Run(topK, Shard.All)),
            ("teacher pass, top-k shard", () => TeacherPass.Run(topK, new Shard(1, 2))),
            ("teacher pass, hidden states", () => TeacherPass.Run(exact, Shard.All)),
            ("teacher pass, hidden-state shard", () => TeacherPass.Run(exact, new Shard(2, 2))),
            ("base measurement", () => BaseMeasurement.Measure(measured)),
            ("evaluation", () => EvaluateJob.Run(model, model, domain, general, 32, 4)),
            ("evaluation, bf16", () => EvaluateJob.Run(model, model, domain, general, 32, 4, bf16: true)),
            ("perplexity job, bf16", () => PerplexityJob.Run(new PerplexityJobConfig
                { ModelDirectory = model, DataPath = TinyCorpus.DomainFile(12), ContextLength = 32, Compute = new ComputeOptions { Precision = Precision.Bf16 } })),
            ("generate job, bf16", () => GenerateJob.Run(new GenerateJobConfig
                { ModelDirectory = model, Prompt = "the cat", Sampling = new GenerationOptions { MaxNewTokens = 6, Seed = 2 }, Compute = new ComputeOptions { Precision = Precision.Bf16 } })),
            ("GGUF export", () => GgufExport.Run(new GgufExportOptions { ModelDirectory = model, OutputFile = Path.Combine(dir, "m.gguf"), FileType = GgufFileType.Q8_0, Overwrite = true })),
            ("adapter merge", () => AdapterMerge.Run(model, adapter, Path.Combine(dir, "merged"), overwrite: true)),
            ("perplexity", () => Perplexity.Evaluate(pretrained.Model, Perplexity.WindowsOf(pretrained.Tokenizer, domain, 32), 4)),
            ("multiple-choice task", () => ChoiceTask.Evaluate(pretrained.Model, pretrained.Tokenizer,
                [new("the cat sat on", [" the mat.", " a tree.", " the door"], 0), new("a dog", [" ran.", " sat on the mat."], 1)], 32, 2)),
            ("generation", () => TextGenerator.Generate(pretrained.Model, [1, 5, 9], new GenerationOptions { MaxNewTokens = 6, Seed = 2 })),
        };
        // When each runs on a fresh thread, then it made no tensor outside a dispose scope
        foreach (var (name, run) in jobs)
            Assert.True(OnFreshThread(_ => run()).Outside == 0, $"{name}: tensors were made outside every dispose scope");
    }

    [Fact]
    public void Should_run_each_test_inside_a_dispose_scope()
    {
        var statistics = DisposeScopeManager.Statistics;
        long inScope = statistics.CreatedInScopeCount, outside = statistics.CreatedOutsideScopeCount;
        _ = torch.ones(2).add(1).sum();
        Assert.Equal((inScope + 3, outside), (statistics.CreatedInScopeCount, statistics.CreatedOutsideScopeCount));
    }
}
