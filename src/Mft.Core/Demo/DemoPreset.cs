using System.Globalization;
using Mft.Sweep;

namespace Mft.Demo;

/// <summary>
/// The demo's grid as a sweep: sweeps/demo.yaml, embedded in the library. <c>mft demo</c> runs it with
/// <see cref="DemoRunner"/>, so it resumes and stops on Ctrl-C as every sweep does; its options set keys of it
/// (<see cref="With"/>).
/// </summary>
public static class DemoPreset
{
    /// <summary>
    /// The demo's options, by the name <c>mft demo</c> gives them, and the sweep key each sets
    /// (<see cref="SweepOverrides"/>); <c>taus</c> replaces the methods by finetuning and one MFT method per tau.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["model"] = "model", ["data_dir"] = "data", ["domains"] = "domain", ["samples"] = "max_samples", ["steps"] = "max_steps",
        ["evaluations"] = "evaluations", ["lr"] = "lr", ["context"] = "context", ["seed"] = "seed",
        ["precision"] = "precision",
    };

    /// <summary>sweeps/demo.yaml as the library carries it (its model and data paths relative, as in the file).</summary>
    public static SweepConfig Load()
    {
        const string name = "Mft.Demo.demo.yaml";
        using var stream = typeof(DemoPreset).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"{name}: not embedded in {typeof(DemoPreset).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return SweepFile.Parse(reader.ReadToEnd(), "sweeps/demo.yaml (embedded)");
    }

    /// <summary>
    /// The preset with the demo's options set, by their names in <see cref="Keys"/> (or <c>taus</c>), as text; an
    /// invalid value is an <see cref="OptionException"/> naming the demo's option.
    /// </summary>
    public static SweepConfig With(SweepConfig preset, IEnumerable<KeyValuePair<string, string>> options)
    {
        var config = preset;
        foreach (var (name, text) in options)
        {
            try
            {
                config = name == "taus" ? config with { Methods = Methods(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Tau)) }
                    : SweepOverrides.Apply(config, [KeyValuePair.Create(Keys.TryGetValue(name, out var key) ? key : throw new OptionException(name, "is not an option of the demo"), text)]);
            }
            catch (OptionException e) when (e.Key != name) { throw new OptionException(name, e.Problem); }
        }
        return config;
    }

    private static double Tau(string text)
    {
        var tau = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new OptionException("taus", $"'{text}' is not a number");
        Objectives.TauCorrection.RequireValid(tau, "taus");
        return tau;
    }

    /// <summary>Finetuning and one MFT method per tau, named as the preset names them (<c>mft-tau0.1</c>).</summary>
    public static List<SweepMethod> Methods(IEnumerable<double> taus) =>
        [new SweepMethod { Name = "ft", Settings = new() { ["method"] = Objectives.TrainingMethod.Finetuning.Name } },
         .. taus.Select(t => new SweepMethod { Name = $"mft-tau{t.ToString(CultureInfo.InvariantCulture)}", Settings = new() { ["method"] = Objectives.TrainingMethod.Minifinetuning.Name, ["tau"] = t.ToString("R", CultureInfo.InvariantCulture) } })];

    /// <summary>How the report names a method: <c>mft tau=0.1</c> for a method with a tau, else its name.</summary>
    public static string Label(SweepConfig config, SweepMethod m) => config.Template(m).Trainer is { Kind.UsesTau: true } t ? t.Kind.Label(t.Tau) : m.Name;
}
