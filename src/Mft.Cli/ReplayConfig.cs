using System.Globalization;
using System.Reflection;
using System.Text;
using Mft.Checkpoints;
using Spectre.Console.Cli;

namespace Mft.Cli;

/// <summary>
/// run_config.yaml in a run's output folder: every option the run was given (defaults included), as the YAML that
/// <c>--config</c> reads (<see cref="YamlOptions"/>), keys in snake_case. <c>mft train --config runs/X/run_config.yaml
/// --out runs/Y</c> runs it again, to the same weights. Paths are written as they were given, relative to the folder
/// mft ran in. The output folder and the switches that only say how to treat it (overwrite, resume) are left out.
/// </summary>
public static class ReplayConfig
{
    private static readonly HashSet<string> NotReplayed = ["config", "out", "overwrite", "resume", "verbose"];

    public static void Write(CommandSettings settings, string outputDirectory, string command)
    {
        var sb = new StringBuilder($"# The options of this run. To run it again: mft {command} --config run_config.yaml --out NEW_FOLDER\n");
        foreach (var p in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<CommandOptionAttribute>() is not { } option || option.LongNames.Count == 0) continue;
            var name = option.LongNames[0];
            if (NotReplayed.Contains(name) || p.GetValue(settings) is not { } value) continue;
            sb.AppendLine($"{name.Replace('-', '_')}: {Scalar(value)}");
        }
        AtomicFile.WriteAllText(new Mft.Runs.RunLayout(outputDirectory).ReplayConfig, sb.ToString());
    }

    /// <summary>A YAML scalar that reads back as the same value: numbers round-trip, strings single-quoted.</summary>
    private static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => $"'{value.ToString()!.Replace("'", "''", StringComparison.Ordinal)}'",
    };
}
