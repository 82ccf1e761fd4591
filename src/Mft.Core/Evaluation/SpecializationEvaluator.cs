using Mft.Models;

namespace Mft.Evaluation;

/// <summary>
/// Evaluates a model on the domain validation and test sets and the general set, relative to the base model's
/// perplexities measured once at the start.
/// </summary>
public sealed class SpecializationEvaluator
{
    private readonly IReadOnlyList<Perplexity.Window> _validation, _test, _general;
    private readonly int _batchSize;

    public double BaseValidation { get; private set; }
    public double BaseTest { get; private set; } = double.NaN;
    public double? BaseGeneral { get; private set; }
    public bool HasGeneral => _general.Count > 0;

    public SpecializationEvaluator(IReadOnlyList<Perplexity.Window> validation, IReadOnlyList<Perplexity.Window> test,
        IReadOnlyList<Perplexity.Window> general, int batchSize)
    {
        (_validation, _test, _general, _batchSize) = (validation, test, general, batchSize);
    }

    /// <summary>Measures the base model (or restores earlier measurements on resume).</summary>
    public void SetBase(CausalLM baseModel)
    {
        BaseValidation = Ppl(baseModel, _validation);
        BaseTest = Ppl(baseModel, _test);
        BaseGeneral = HasGeneral ? Ppl(baseModel, _general) : null;
    }

    public void SetBase(double validation, double test, double? general) => (BaseValidation, BaseTest, BaseGeneral) = (validation, test, general);

    /// <summary>Whether base perplexities are known (then the starting point need not be measured again).</summary>
    public bool HasBase => !double.IsNaN(BaseTest);

    /// <summary>The starting point: the base model's own perplexities, S = D = 0.</summary>
    public EvaluationPoint BasePoint() =>
        new(0, BaseValidation, BaseTest, BaseGeneral, new SpecializationReport(BaseTest, BaseTest, BaseGeneral, BaseGeneral));

    public EvaluationPoint Evaluate(CausalLM model, int step)
    {
        double val = Ppl(model, _validation), test = Ppl(model, _test);
        double? gen = HasGeneral ? Ppl(model, _general) : null;
        return new EvaluationPoint(step, val, test, gen, new SpecializationReport(BaseTest, test, BaseGeneral, gen));
    }

    private double Ppl(CausalLM model, IReadOnlyList<Perplexity.Window> windows) =>
        windows.Count == 0 ? double.NaN : Perplexity.Evaluate(model, windows, _batchSize).Perplexity;
}
