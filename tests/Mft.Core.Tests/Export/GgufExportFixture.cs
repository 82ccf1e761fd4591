using Mft.Export.Gguf;
using Mft.Training;
using Mft.Jobs;

namespace Mft.Tests.Export;

/// <summary>
/// The embedded base model and an MFT-tuned copy of it (full weights, 20 steps on the Bible domain), each exported to
/// GGUF as f32, f16 and q8_0 once for all the tests that load them in llama.cpp.
/// </summary>
public sealed class GgufExportFixture
{
    public string BaseModel { get; }
    public string TunedModel { get; }
    public string Root { get; } = TempDir.Create("gguf-export");
    public string HeldOutText { get; }

    public GgufExportFixture()
    {
        BaseModel = Mft.Cli.EmbeddedAssets.Find(Path.Combine("models", "base"), "config.json");
        var domain = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(BaseModel))!, "data", "domains", "bible");
        HeldOutText = Path.Combine(domain, "test.txt");
        var run = new FinetuneJob(new FinetuneJobConfig
        {
            ModelDirectory = BaseModel, DataPath = Path.Combine(domain, "train.txt"), OutputDirectory = Path.Combine(Root, "tuned-run"),
            MaxSamples = 200, DomainTestMaxSamples = 10, Threads = 2,
            Trainer = new TrainerConfig { Method = "mft", Tau = 0.2, MaxSteps = 20, LearningRate = 1e-3, WarmupSteps = 2, BatchSize = 8, ContextLength = 128, Seed = 1 },
        }).Run();
        TunedModel = run.ModelDirectory;
        foreach (var (name, dir) in new[] { ("base", BaseModel), ("tuned", TunedModel) })
            foreach (var type in new[] { GgufFileType.F32, GgufFileType.F16, GgufFileType.Q8_0 })
                GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = File(name, type), FileType = type, WriteModelfile = false });
    }

    public string Model(string name) => name == "base" ? BaseModel : TunedModel;

    public string File(string name, GgufFileType type) => Path.Combine(Root, $"{name}-{type.Name()}.gguf");
}
