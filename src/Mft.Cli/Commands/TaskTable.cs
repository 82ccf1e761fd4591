using System.Globalization;
using Mft.Jobs;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary>Prints each task's item count and the base and tuned models' acc and acc_norm, each ± its standard error.</summary>
public static class TaskTable
{
    public static void Write(IReadOnlyList<TaskScores> tasks)
    {
        var table = new Table().AddColumns("task", "n", "base acc", "tuned acc", "base acc_norm", "tuned acc_norm");
        foreach (var t in tasks)
            table.AddRow(Markup.Escape(t.Path), t.Base.Items.ToString(CultureInfo.InvariantCulture),
                Acc(t.Base.Accuracy, t.Base.AccuracyStderr), Acc(t.Tuned.Accuracy, t.Tuned.AccuracyStderr),
                Acc(t.Base.NormalizedAccuracy, t.Base.NormalizedAccuracyStderr), Acc(t.Tuned.NormalizedAccuracy, t.Tuned.NormalizedAccuracyStderr));
        AnsiConsole.Write(table);
    }

    /// <summary>An accuracy and its standard error, as fractions: 0.452 ± 0.035.</summary>
    public static string Acc(double value, double stderr) => string.Create(CultureInfo.InvariantCulture, $"{value:F3} ± {stderr:F3}");
}
