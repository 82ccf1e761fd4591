namespace Mft.Evaluation;

/// <summary>
/// What finetuning gained on the domain and lost in general, from test perplexities of the base and tuned model:
/// specialization S = (ppl_dom_base - ppl_dom) / ppl_dom_base, degeneralization D = (ppl_gen - ppl_gen_base) /
/// ppl_gen_base, and S / D. D &lt;= 0 means no degeneralization (general text got no worse): the ratio is then
/// not a number to compare and is reported as such.
/// </summary>
public sealed record SpecializationReport(double DomainBase, double Domain, double? GeneralBase, double? General)
{
    /// <summary>S: the relative drop of domain test perplexity (0.25 = a quarter lower than the base model's).</summary>
    public double Specialization => (DomainBase - Domain) / DomainBase;
    /// <summary>D: the relative rise of general test perplexity; null without a general set.</summary>
    public double? Degeneralization => GeneralBase is double gb && General is double g ? (g - gb) / gb : null;
    /// <summary>General perplexity did not rise (D &lt;= 0).</summary>
    public bool NoDegeneralization => Degeneralization is <= 0;
    /// <summary>S / D, when D is positive; higher is better (more specialization per unit of degeneralization).</summary>
    public double? Ratio => Degeneralization is double d && d > 0 ? Specialization / d : null;

    /// <summary>S / D for printing: the number, or why there is none.</summary>
    public string RatioText => Degeneralization is null ? "n/a (no general set)"
        : NoDegeneralization ? "no degeneralization"
        : Ratio!.Value.ToString("F2");
}
