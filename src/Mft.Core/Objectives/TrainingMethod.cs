using System.Globalization;

namespace Mft.Objectives;

/// <summary>
/// A training method as the option <c>method</c> names it (ft, mft, kd), with what the rest of Mft needs to know about
/// it: whether it has a teacher and a tau, how reports name it, and the objective it trains with. The one registry of
/// methods; nothing else compares method names.
/// </summary>
public sealed class TrainingMethod
{
    /// <summary>Cross-entropy on the labels: plain finetuning.</summary>
    public static readonly TrainingMethod Finetuning = new("ft", needsTeacher: false, usesTau: false, (_, _, _) => new CrossEntropyObjective());
    /// <summary>Minifinetuning: KL to the tau-corrected frozen teacher.</summary>
    public static readonly TrainingMethod Minifinetuning = new("mft", needsTeacher: true, usesTau: true, (tau, t, all) => new MftObjective(tau, t, all));
    /// <summary>Uncorrected self-distillation from the frozen teacher (a control).</summary>
    public static readonly TrainingMethod SelfDistillation = new("kd", needsTeacher: true, usesTau: false, (_, t, _) => new KdObjective(t));

    /// <summary>Every method, in the order help and errors list them.</summary>
    public static readonly IReadOnlyList<TrainingMethod> All = [Finetuning, Minifinetuning, SelfDistillation];

    private readonly Func<double, double, bool, ITrainingObjective> _create;

    private TrainingMethod(string name, bool needsTeacher, bool usesTau, Func<double, double, bool, ITrainingObjective> create) =>
        (Name, NeedsTeacher, UsesTau, _create) = (name, needsTeacher, usesTau, create);

    /// <summary>The option's value: ft, mft or kd.</summary>
    public string Name { get; }
    /// <summary>Whether it learns from the frozen base model's distribution (and so may use a teacher cache).</summary>
    public bool NeedsTeacher { get; }
    /// <summary>Whether <c>tau</c> changes it.</summary>
    public bool UsesTau { get; }

    /// <summary>The method named <paramref name="name"/>; an unknown name is an <see cref="OptionException"/> for <paramref name="key"/>.</summary>
    public static TrainingMethod Of(string name, string key = "method") =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new OptionException(key, $"'{name}' is unknown (expected {string.Join(", ", All.Select(m => m.Name))})");

    /// <summary>The objective it trains with.</summary>
    public ITrainingObjective Create(double tau = 0.2, double temperature = 1.0, bool correctAll = true) => _create(tau, temperature, correctAll);

    /// <summary>How reports name a run of it: <c>mft tau=0.1</c>, <c>ft</c>.</summary>
    public string Label(double tau) => UsesTau ? $"{Name} tau={tau.ToString(CultureInfo.InvariantCulture)}" : Name;

    public override string ToString() => Name;
}
