using Mft.Corpora;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary><c>mft corpus build</c>: turns the raw package sources into the processed corpora under data/.</summary>
public static class CorpusBuildCommand
{
    public static int Run(CorpusBuildConfig config)
    {
        var counts = CorpusBuilder.Build(config.Sources, config.OutputDirectory);
        var table = new Table().AddColumns("corpus", "train documents", "test documents");
        foreach (var (name, (train, test)) in counts) table.AddRow(name, train.ToString(), test.ToString());
        AnsiConsole.Write(table);
        return 0;
    }
}
