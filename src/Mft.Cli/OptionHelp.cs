using Spectre.Console;

namespace Mft.Cli;

/// <summary><c>--help</c> of a command whose options are a record's (<see cref="OptionArgs"/>): every flag, its help and its default, from the record.</summary>
public static class OptionHelp
{
    public static void Write<T>(string command, string description)
    {
        var schema = OptionSchema.Of<T>();
        AnsiConsole.MarkupLine("[bold]DESCRIPTION:[/]");
        AnsiConsole.WriteLine(description);
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[bold]USAGE:[/]");
        AnsiConsole.WriteLine($"    mft {command} [OPTIONS]");
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[bold]OPTIONS:[/]");
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(4).PadRight(2).NoWrap()).AddColumn(new GridColumn().PadRight(2).NoWrap()).AddColumn();
        grid.AddRow(new Text(""), new Markup("[bold]DEFAULT[/]"), new Text(""));
        grid.AddRow(new Text("-h, --help"), new Text(""), new Text("Prints help information"));
        grid.AddRow(new Text(MftApp.Verbose), new Text(""), new Text("show stack traces on errors"));
        foreach (var option in schema.Options)
        {
            var flag = option.IsSwitch ? option.Flag : $"{option.Flag} <{OptionSchema.PlaceholderOf(option)}>";
            grid.AddRow(new Text(flag), new Text(option.IsSwitch ? "" : schema.DefaultOf(option) ?? ""), new Text(OptionException.FlagsIn(option.Help)));
        }
        AnsiConsole.Write(grid);
    }
}
