using System.Globalization;
using Mft.Jobs;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary>Prints, per task file and model, the item count and acc and acc_norm, each ± its standard error (one row a model, so it fits 80 columns).</summary>
public static class TaskTable
{
    public static void Write(IReadOnlyList<TaskScores> tasks)
    {
        var table = new Table().AddColumns("task", "model", "n", "acc", "acc_norm");
        foreach (var t in tasks)
            foreach (var (model, r) in new[] { ("base", t.Base), ("tuned", t.Tuned) })
                table.AddRow(Markup.Escape(Path.GetFileName(t.Path)), model, r.Items.ToString(CultureInfo.InvariantCulture),
                    Acc(r.Accuracy, r.AccuracyStderr), Acc(r.NormalizedAccuracy, r.NormalizedAccuracyStderr));
        AnsiConsole.Write(table);
    }

    /// <summary>An accuracy and its standard error, as fractions: 0.452 ± 0.035.</summary>
    public static string Acc(double value, double stderr) => string.Create(CultureInfo.InvariantCulture, $"{value:F3} ± {stderr:F3}");
}
