using Mft.Evaluation;

namespace Mft.Demo;

/// <summary>One method on one domain: its label, final report and trajectory.</summary>
public sealed record DemoRun(string Domain, string Method, double? Tau, EvaluationPoint Final, IReadOnlyList<EvaluationPoint> Trajectory,
    int Steps, TimeSpan Elapsed)
{
    public string Label => Tau is double t ? $"mft tau={t}" : Method;

    /// <summary>Its folder under runs/DOMAIN/, and its name in progress reports with the domain.</summary>
    public string FolderName => FolderNameOf(Method, Tau);

    public static string FolderNameOf(string method, double? tau) => tau is double t ? $"mft-tau{t}" : method;
}
