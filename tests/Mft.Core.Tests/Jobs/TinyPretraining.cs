using Mft.Jobs;
using Mft.Runtime;
using Mft.Tests.Packaging;

namespace Mft.Tests.Jobs;

/// <summary>
/// A pretraining of seconds for tests of <see cref="PretrainJob"/>: 2 steps of a 2-layer, 64-wide Llama on the embedded
/// tokenizer, over 8 general test documents (4 held out), in a temporary folder of its own (one output folder per name).
/// </summary>
public sealed class TinyPretraining : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mft-tiny-pretraining-").FullName;

    public TinyPretraining()
    {
        var documents = File.ReadAllText(Path.Combine(Repository.Root, "data", "general", "test.txt")).Split("\n\n").Take(12).ToArray();
        File.WriteAllText(Path.Combine(_dir, "train.txt"), string.Join("\n\n", documents[..8]));
        File.WriteAllText(Path.Combine(_dir, "test.txt"), string.Join("\n\n", documents[8..]));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The output folder of the pretraining named <paramref name="name"/>.</summary>
    public string Out(string name) => Path.Combine(_dir, name);

    public PretrainJobConfig Config(string name, Precision precision = Precision.Fp32, int seed = 0) => new()
    {
        TokenizerDirectory = Path.Combine(Repository.Root, "models", "base"), OutputDirectory = Out(name),
        DataPath = Path.Combine(_dir, "train.txt"), TestPath = Path.Combine(_dir, "test.txt"), EvalDocuments = 4,
        HiddenSize = 64, Layers = 2, Heads = 4, KvHeads = 2, IntermediateSize = 128, ContextLength = 64, BatchSize = 2,
        MaxSteps = 2, WarmupSteps = 0, EvalEvery = 2, CheckpointEvery = 2, Threads = 1, Precision = precision, Seed = seed,
    };

    /// <summary>Runs <paramref name="config"/>: each step's loss, and the lines it said (<see cref="PretrainJob.Notice"/>).</summary>
    public static (List<double> Losses, List<string> Said) Run(PretrainJobConfig config)
    {
        var job = new PretrainJob(config);
        var losses = new List<double>();
        var said = new List<string>();
        job.StepCompleted += (m, _) => losses.Add(m.Loss);
        job.Notice += said.Add;
        job.Run();
        return (losses, said);
    }
}
