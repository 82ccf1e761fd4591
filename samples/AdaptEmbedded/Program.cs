// Minifinetune the embedded base model on the Devil's Dictionary through the Mft.Core API, and print what it gained
// on the domain (specialization S) and lost in general (degeneralization D). Run from the repository:
//   dotnet run --project samples/AdaptEmbedded -c Release [-- OUTPUT_FOLDER]
using Mft.Jobs;
using Mft.Training;

var root = Directory.GetCurrentDirectory();
while (!File.Exists(Path.Combine(root, "models", "base", "config.json")))
    root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("models/base: not found here or above; run from the repository");

var trainer = new TrainerConfig { Method = "mft", Tau = 0.1, MaxSteps = 10, WarmupSteps = 2, BatchSize = 8, ContextLength = 64, LearningRate = 1e-3 };
var config = FinetuneJobConfig.OnCorpusDomain(
    model: Path.Combine(root, "models", "base"), corpora: Path.Combine(root, "data"), domain: "devil",
    domainTestSamples: 30, generalTestSamples: 30, outputDirectory: args.Length > 0 ? args[0] : "runs/adapt-embedded", trainer)
    with { MaxSamples = 80, Overwrite = true };

var job = new FinetuneJob(config);
job.Status += status => Console.WriteLine($"{status}...");
var result = job.Run();
var r = result.Final.Report;
Console.WriteLine($"domain perplexity  {r.DomainBase:F2} -> {r.Domain:F2}");
Console.WriteLine($"general perplexity {r.GeneralBase:F2} -> {r.General:F2}");
Console.WriteLine($"S = {r.Specialization:P2}, D = {r.Degeneralization:P2}, S/D = {r.RatioText}");
Console.WriteLine($"tuned model: {result.ModelDirectory}");
