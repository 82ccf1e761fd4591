using Mft.Evaluation;

namespace Mft.Demo;

/// <summary>
/// The paper's kind of figure: degeneralization on x, specialization on y, one curve per method through its
/// evaluations (step 0 at the origin). Saved as PNG and SVG with ScottPlot.
/// </summary>
public static class SdPlot
{
    public static void Save(string title, IReadOnlyList<(string Label, IReadOnlyList<EvaluationPoint> Points)> runs, string pathWithoutExtension)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, points) in runs)
        {
            var xs = points.Select(p => 100 * (p.Report.Degeneralization ?? 0)).ToArray();
            var ys = points.Select(p => 100 * p.Report.Specialization).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.MarkerSize = 6;
        }
        plot.Title(title);
        plot.XLabel("degeneralization D (%)  (general perplexity increase)");
        plot.YLabel("specialization S (%)  (domain perplexity decrease)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension))!);
        plot.SavePng(pathWithoutExtension + ".png", 800, 560);
        plot.SaveSvg(pathWithoutExtension + ".svg", 800, 560);
    }
}
