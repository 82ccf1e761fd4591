using Mft.Adapters;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft merge</c>: fold a LoRA, DoRA or IA3 adapter into its base model and write a full checkpoint.</summary>
public sealed class MergeCommand : Command<MergeSettings>
{
    public override int Execute(CommandContext context, MergeSettings s, CancellationToken cancellationToken)
    {
        foreach (var (value, flag) in new[] { (s.Model, "--model"), (s.Adapter, "--adapter"), (s.Out, "--out") })
            if (string.IsNullOrWhiteSpace(value)) throw new MftException($"{flag} is required");
        AdapterMerge.Run(s.Model, s.Adapter, s.Out, s.Overwrite);
        AnsiConsole.MarkupLine($"merged model: [bold]{Markup.Escape(s.Out)}[/]");
        return 0;
    }
}
