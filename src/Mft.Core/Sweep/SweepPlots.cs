using Mft.Evaluation;

namespace Mft.Sweep;

/// <summary>
/// The sweep's figures: per domain and budget, S against D with each method's Pareto front; per domain, S/D against
/// data budget; and the demo's S-D trajectories, one curve per run. Each is saved as PNG and SVG (ScottPlot).
/// </summary>
public static class SweepPlots
{
    /// <summary>One colour per method, the same in every figure (ten before they repeat).</summary>
    private static readonly ScottPlot.IPalette Palette = new ScottPlot.Palettes.Category10();

    public static void SdFronts(string title, IReadOnlyList<MeanTrajectory> methods, string pathWithoutExtension)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (m, i) in methods.Select((m, i) => (m, i)))
        {
            var color = Palette.GetColor(i);
            var points = m.Points.Where(p => p.Step > 0).ToList();
            var dots = plot.Add.ScatterPoints(points.Select(p => 100 * p.D).ToArray(), points.Select(p => 100 * p.S).ToArray(), color);
            dots.MarkerSize = 6;
            var front = ParetoFront.Of(m.Points);
            var line = plot.Add.ScatterLine(front.Select(p => 100 * p.D).ToArray(), front.Select(p => 100 * p.S).ToArray(), color);
            line.LegendText = m.Method;
        }
        plot.Title(title);
        plot.XLabel("degeneralization D (%), mean over seeds");
        plot.YLabel("specialization S (%), mean over seeds");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        Save(plot, pathWithoutExtension);
    }

    public static void RatioByBudget(string title, IReadOnlyList<MeanTrajectory> methods, string pathWithoutExtension)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (group, i) in methods.GroupBy(m => m.Method).Select((g, i) => (g, i)))
        {
            var finals = group.Where(m => !m.Budget.EpochMatched).OrderBy(m => m.Budget).Where(m => m.Final.Ratio is not null).ToList();
            if (finals.Count == 0) continue;
            var line = plot.Add.Scatter(finals.Select(m => (double)m.Budget.Samples).ToArray(), finals.Select(m => m.Final.Ratio!.Value).ToArray(), Palette.GetColor(i));
            line.LegendText = group.Key;
        }
        plot.Axes.SetLimitsY(0, methods.Max(m => m.Final.Ratio ?? 0) * 1.1);
        plot.Title(title);
        plot.XLabel("data budget (training samples; same number of steps)");
        plot.YLabel("S/D at the end of training (means over seeds)");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        Save(plot, pathWithoutExtension);
    }

    /// <summary>
    /// The paper's kind of figure: degeneralization on x, specialization on y, one curve per run through its evaluations
    /// (step 0 at the origin).
    /// </summary>
    public static void SdTrajectories(string title, IReadOnlyList<(string Label, IReadOnlyList<EvaluationPoint> Points)> runs, string pathWithoutExtension)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, points) in runs)
        {
            var line = plot.Add.Scatter(points.Select(p => 100 * (p.Report.Degeneralization ?? 0)).ToArray(), points.Select(p => 100 * p.Report.Specialization).ToArray());
            line.LegendText = label;
            line.MarkerSize = 6;
        }
        plot.Title(title);
        plot.XLabel("degeneralization D (%)  (general perplexity increase)");
        plot.YLabel("specialization S (%)  (domain perplexity decrease)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        Save(plot, pathWithoutExtension);
    }

    private static void Save(ScottPlot.Plot plot, string pathWithoutExtension)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension))!);
        plot.SavePng(pathWithoutExtension + ".png", 800, 560);
        plot.SaveSvg(pathWithoutExtension + ".svg", 800, 560);
    }
}
