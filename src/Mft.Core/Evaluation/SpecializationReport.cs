namespace Mft.Evaluation;

/// <summary>
/// What finetuning gained on the domain and lost in general, from test perplexities of the base and tuned model:
/// specialization S = (ppl_dom_base - ppl_dom) / ppl_dom_base, degeneralization D = (ppl_gen - ppl_gen_base) /
/// ppl_gen_base, and S / D. D &lt;= 0 means no degeneralization (general text got no worse): the ratio is then
/// not a number to compare and is reported as such.
/// </summary>
public sealed record SpecializationReport(double DomainBase, double Domain, double? GeneralBase, double? General)
{
    public double Specialization => (DomainBase - Domain) / DomainBase;
    public double? Degeneralization => GeneralBase is double gb && General is double g ? (g - gb) / gb : null;
    public bool NoDegeneralization => Degeneralization is <= 0;
    public double? Ratio => Degeneralization is double d && d > 0 ? Specialization / d : null;

    public string RatioText => Degeneralization is null ? "n/a (no general set)"
        : NoDegeneralization ? "no degeneralization"
        : Ratio!.Value.ToString("F2");
}
