using Mft.Models;
using Mft.Data;

namespace Mft.Evaluation;

/// <summary>
/// Evaluates a model on the domain validation and test sets and the general set (and, when given, a general
/// validation set disjoint from it), relative to the base model's perplexities measured once at the start.
/// Validation figures choose settings and steps; test figures are reported.
/// </summary>
public sealed class SpecializationEvaluator
{
    private readonly IReadOnlyList<TokenSequence> _validation, _test, _general, _generalValidation;
    private readonly int _batchSize;

    public double BaseValidation { get; private set; }
    public double BaseTest { get; private set; } = double.NaN;
    public double? BaseGeneral { get; private set; }
    public double? BaseGeneralValidation { get; private set; }
    public bool HasGeneral => _general.Count > 0;
    public bool HasGeneralValidation => _generalValidation.Count > 0;

    public SpecializationEvaluator(IReadOnlyList<TokenSequence> validation, IReadOnlyList<TokenSequence> test,
        IReadOnlyList<TokenSequence> general, int batchSize, IReadOnlyList<TokenSequence>? generalValidation = null)
    {
        (_validation, _test, _general, _batchSize, _generalValidation) = (validation, test, general, batchSize, generalValidation ?? []);
    }

    /// <summary>The base perplexities, to give to other runs on the same sets.</summary>
    public BasePerplexities Base => new(BaseValidation, BaseTest, BaseGeneral, BaseGeneralValidation);

    /// <summary>Measures the base model (or restores earlier measurements on resume).</summary>
    public void SetBase(CausalLM baseModel)
    {
        BaseValidation = Ppl(baseModel, _validation);
        BaseTest = Ppl(baseModel, _test);
        BaseGeneral = HasGeneral ? Ppl(baseModel, _general) : null;
        BaseGeneralValidation = HasGeneralValidation ? Ppl(baseModel, _generalValidation) : null;
    }

    public void SetBase(double validation, double test, double? general, double? generalValidation = null) =>
        (BaseValidation, BaseTest, BaseGeneral, BaseGeneralValidation) = (validation, test, general, generalValidation);

    /// <summary>Base perplexities measured earlier on the same sets.</summary>
    public void SetBase(BasePerplexities b) => SetBase(b.DomainValidation, b.DomainTest, b.General, b.GeneralValidation);

    /// <summary>Whether base perplexities are known (then the starting point need not be measured again).</summary>
    public bool HasBase => !double.IsNaN(BaseTest);

    /// <summary>The starting point: the base model's own perplexities, S = D = 0.</summary>
    public EvaluationPoint BasePoint() => Point(0, BaseValidation, BaseTest, BaseGeneral, BaseGeneralValidation);

    public EvaluationPoint Evaluate(CausalLM model, int step)
    {
        double val = Ppl(model, _validation), test = Ppl(model, _test);
        double? gen = HasGeneral ? Ppl(model, _general) : null;
        double? genVal = HasGeneralValidation ? Ppl(model, _generalValidation) : null;
        return Point(step, val, test, gen, genVal);
    }

    private EvaluationPoint Point(int step, double val, double test, double? gen, double? genVal) =>
        new(step, val, test, gen, new SpecializationReport(BaseTest, test, BaseGeneral, gen))
        {
            GeneralValidation = genVal,
            Validation = double.IsNaN(val) ? null : new SpecializationReport(BaseValidation, val, BaseGeneralValidation, genVal),
        };

    private double Ppl(CausalLM model, IReadOnlyList<TokenSequence> windows) =>
        windows.Count == 0 ? double.NaN : Perplexity.Evaluate(model, windows, _batchSize).Perplexity;
}
