using Mft.Adapters;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary><c>mft merge</c>: fold a LoRA, DoRA or IA3 adapter into its base model and write a full checkpoint.</summary>
public static class MergeCommand
{
    public static int Run(AdapterMergeConfig config)
    {
        AdapterMerge.Run(config);
        AnsiConsole.MarkupLine($"merged model: [bold]{Markup.Escape(config.OutputDirectory)}[/]");
        return 0;
    }
}
