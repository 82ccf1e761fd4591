using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary>
/// <c>mft train</c>'s options: the library's job record (<see cref="FinetuneJobConfig"/>, its trainer and adapter),
/// whose <see cref="OptionAttribute"/> keys are the flags, and the config file the command line adds.
/// </summary>
public sealed record TrainOptions
{
    [Option("config", Help = "YAML file of options (the keys below, snake_case); flags given on the command line win", Value = "FILE")]
    public string? Config { get; init; }
    [OptionGroup] public FinetuneJobConfig Job { get; init; } = null!;
}
