namespace Mft.Cli;

/// <summary>
/// A command whose options are a record's (<see cref="OptionArgs"/>): its name (<c>corpus build</c> for a command in a
/// branch), its description, the record, and what it runs with the bound record.
/// </summary>
public sealed record MftCommand(string Name, string Description, Type Options, Func<IReadOnlyList<string>, IDictionary<string, string>, int> Run)
{
    /// <summary>
    /// Whether one job of it shares its work over the ranks of an MPI job (<c>train</c>, <c>teacher-cache</c>); any other
    /// command is refused on ranks, since N copies of it would write the same outputs (docs/cluster.md).
    /// </summary>
    public bool RunsOnRanks { get; init; }

    /// <summary>A command that binds <typeparamref name="T"/> and runs <paramref name="run"/> with it; <c>--help</c> prints the record's options.</summary>
    public static MftCommand Of<T>(string name, string description, Func<T, int> run) where T : class =>
        new(name, description, typeof(T), (args, fromFile) => OptionArgs.BindOrHelp<T>(name, description, args, fromFile) is { } options ? run(options) : 0);

    /// <summary>The words that name it on the command line.</summary>
    public string[] Words => Name.Split(' ');
}
