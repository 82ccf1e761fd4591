using Mft.Runtime;
using Mft.Data;
using Mft.Evaluation;
using Mft.Models;

namespace Mft.Jobs;

/// <summary>
/// Specialization and degeneralization of any tuned model against its base (<c>mft evaluate</c>): each model's
/// perplexity over the same sliding windows of the domain samples and, when given, the general ones.
/// </summary>
public static class EvaluateJob
{
    public static SpecializationReport Run(string baseDirectory, string tunedDirectory, IReadOnlyList<TextSample> domain, IReadOnlyList<TextSample>? general,
        int context, int batchSize, string device = "cpu")
    {
        (double Domain, double? General) Measure(string dir)
        {
            using var jobScope = TorchRuntime.JobScope();
            using var m = PretrainedModel.Open(dir, device);
            m.Model.Config.RequireContext(context, dir);
            double Ppl(IReadOnlyList<TextSample> samples) => Perplexity.Evaluate(m.Model, Perplexity.WindowsOf(m.Tokenizer, samples, context), batchSize).Perplexity;
            return (Ppl(domain), general is null ? null : Ppl(general));
        }
        var b = Measure(baseDirectory);
        var t = Measure(tunedDirectory);
        return new SpecializationReport(b.Domain, t.Domain, b.General, t.General);
    }
}
