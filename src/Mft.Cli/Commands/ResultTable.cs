using Mft.Evaluation;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary>Prints base and tuned perplexities with S, D and S/D as a table.</summary>
public static class ResultTable
{
    public static void Write(string label, SpecializationReport r)
    {
        string F(double? x, string fmt = "F3") => x is double v ? v.ToString(fmt) : "-";
        var table = new Table().AddColumns("run", "domain ppl base", "domain ppl", "general ppl base", "general ppl", "S", "D", "S/D");
        table.AddRow(Markup.Escape(label), F(r.DomainBase), F(r.Domain), F(r.GeneralBase), F(r.General),
            F(r.Specialization, "P2"), F(r.Degeneralization, "P2"), Markup.Escape(r.RatioText));
        AnsiConsole.Write(table);
    }
}
