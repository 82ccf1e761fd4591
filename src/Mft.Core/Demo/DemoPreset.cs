using System.Globalization;
using Mft.Sweep;

namespace Mft.Demo;

/// <summary>
/// The demo's grid as a sweep: sweeps/demo.yaml, embedded in the library. <c>mft demo</c> runs it with
/// <see cref="DemoRunner"/>, so it resumes and stops on Ctrl-C as every sweep does.
/// </summary>
public static class DemoPreset
{
    /// <summary>sweeps/demo.yaml as the library carries it (its model and data paths relative, as in the file).</summary>
    public static SweepConfig Load()
    {
        const string name = "Mft.Demo.demo.yaml";
        using var stream = typeof(DemoPreset).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"{name}: not embedded in {typeof(DemoPreset).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return SweepConfig.Parse(reader.ReadToEnd(), "sweeps/demo.yaml (embedded)");
    }

    /// <summary>Finetuning and one MFT method per tau, named as the preset names them (<c>mft-tau0.1</c>).</summary>
    public static List<SweepMethod> Methods(IEnumerable<double> taus) =>
        [new SweepMethod { Name = "ft", Method = "ft" },
         .. taus.Select(t => new SweepMethod { Name = $"mft-tau{t.ToString(CultureInfo.InvariantCulture)}", Method = "mft", Tau = t })];

    /// <summary>How the report names a method: <c>mft tau=0.1</c> for MFT, else its name.</summary>
    public static string Label(SweepMethod m) => m.IsMft && m.Tau is double t ? $"mft tau={t.ToString(CultureInfo.InvariantCulture)}" : m.Name;
}
