using Mft.Evaluation;

namespace Mft.Demo;

/// <summary>One method on one domain: its label, final report and trajectory.</summary>
public sealed record DemoRun(string Domain, string Method, double? Tau, EvaluationPoint Final, IReadOnlyList<EvaluationPoint> Trajectory,
    int Steps, TimeSpan Elapsed)
{
    public string Label => Tau is double t ? $"mft tau={t}" : Method;
}
