using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary>
/// A command that Spectre only lists in <c>mft --help</c>: the commands of <see cref="MftCommands"/> take the library's
/// records as their options, so <see cref="MftApp"/> parses and runs them itself (<see cref="OptionArgs"/>).
/// </summary>
public sealed class ListedCommand : Command<EmptyCommandSettings>
{
    public override int Execute(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"mft runs '{context.Name}' itself, before Spectre parses it");
}
