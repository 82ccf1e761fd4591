namespace Mft.Sweep;

/// <summary>The sweep's figures: per domain and budget, S against D with each method's Pareto front; per domain, S/D against data budget.</summary>
public static class SweepPlots
{
    public static void SdFronts(string title, IReadOnlyList<MeanTrajectory> methods, string pathWithoutExtension)
    {
        var plot = new ScottPlot.Plot();
        foreach (var m in methods)
        {
            var points = m.Points.Where(p => p.Step > 0).ToList();
            var dots = plot.Add.ScatterPoints(points.Select(p => 100 * p.D).ToArray(), points.Select(p => 100 * p.S).ToArray());
            dots.MarkerSize = 6;
            var front = ParetoFront.Of(m.Points);
            var line = plot.Add.ScatterLine(front.Select(p => 100 * p.D).ToArray(), front.Select(p => 100 * p.S).ToArray());
            line.Color = dots.Color;
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
        foreach (var group in methods.GroupBy(m => m.Method))
        {
            var finals = group.OrderBy(m => m.Budget).Where(m => m.Final.Ratio is not null).ToList();
            if (finals.Count == 0) continue;
            var line = plot.Add.Scatter(finals.Select(m => (double)m.Budget).ToArray(), finals.Select(m => m.Final.Ratio!.Value).ToArray());
            line.LegendText = group.Key;
        }
        plot.Title(title);
        plot.XLabel("data budget (training samples)");
        plot.YLabel("S/D at the end of training (means over seeds)");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        Save(plot, pathWithoutExtension);
    }

    private static void Save(ScottPlot.Plot plot, string pathWithoutExtension)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension))!);
        plot.SavePng(pathWithoutExtension + ".png", 800, 560);
        plot.SaveSvg(pathWithoutExtension + ".svg", 800, 560);
    }
}
