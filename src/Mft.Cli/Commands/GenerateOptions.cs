using Mft.Generation;

namespace Mft.Cli.Commands;

/// <summary><c>mft generate</c>'s options: the library's <see cref="GenerateJobConfig"/>, and what to print.</summary>
public sealed record GenerateOptions
{
    [OptionGroup] public GenerateJobConfig Job { get; init; } = null!;
    [Option("ids", Help = "also print the prompt and generated token ids")]
    public bool PrintIds { get; init; }
}
