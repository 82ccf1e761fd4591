using Mft.Data;
using Mft.Evaluation;
using Mft.Jobs;
using Mft.Models;

namespace Mft.Tests.Jobs;

public sealed class EvaluateJobTests
{
    /// <summary>Two different random models over one tokenizer, and domain and general samples.</summary>
    internal static (string Base, string Tuned, IReadOnlyList<TextSample> Domain, IReadOnlyList<TextSample> General) TwoTinyModels() =>
        (TinyCorpus.ModelDirectory(seed: 1), TinyCorpus.ModelDirectory(seed: 2), SampleReader.Read(TinyCorpus.DomainFile(12)), SampleReader.Read(TinyCorpus.GeneralFile()));

    [Fact]
    public void Should_give_each_models_perplexity_on_the_same_windows_and_s_and_d_from_them()
    {
        // Given two different random models over one tokenizer, and domain and general samples
        var (baseDir, tunedDir, domain, general) = TwoTinyModels();
        // When
        var report = EvaluateJob.Run(baseDir, tunedDir, domain, general, context: 32, batchSize: 4);
        // Then the perplexities are each model's own, measured directly, and S and D follow their definitions
        double Ppl(string dir, IReadOnlyList<TextSample> samples)
        {
            using var m = PretrainedModel.Open(dir);
            return Perplexity.Evaluate(m.Model, Perplexity.WindowsOf(m.Tokenizer, samples, 32), batchSize: 1).Perplexity;
        }
        Assert.Equal(Ppl(baseDir, domain), report.DomainBase, 1e-6 * report.DomainBase);
        Assert.Equal(Ppl(tunedDir, general), report.General!.Value, 1e-6 * report.General.Value);
        Assert.Equal((report.DomainBase - report.Domain) / report.DomainBase, report.Specialization, 12);
        Assert.Equal((report.General.Value - report.GeneralBase!.Value) / report.GeneralBase.Value, report.Degeneralization!.Value, 12);
        Assert.NotEqual(0, report.Specialization);   // the models differ
        // and a model against itself neither specializes nor degeneralizes
        var same = EvaluateJob.Run(baseDir, baseDir, domain, null, context: 32, batchSize: 4);
        Assert.Equal((0.0, (double?)null), (same.Specialization, same.Degeneralization));
    }
}
