using Mft.Models;
using Mft.Tokenization;

namespace Mft.Evaluation;

/// <summary>
/// A job's multiple-choice task files, each read and checked whole (<see cref="ChoiceTaskFile"/>: a bad line is an
/// error naming <c>file:line</c>), so that a job can refuse them before it writes anything, and score them on any model.
/// </summary>
public sealed class ChoiceTaskSet
{
    /// <summary>No tasks: scoring gives nothing.</summary>
    public static ChoiceTaskSet Empty { get; } = new([]);

    private ChoiceTaskSet(IReadOnlyList<(string Path, IReadOnlyList<ChoiceItem> Items)> tasks) => Tasks = tasks;

    /// <summary>Each file's path, as given, and its items.</summary>
    public IReadOnlyList<(string Path, IReadOnlyList<ChoiceItem> Items)> Tasks { get; }

    public IReadOnlyList<string> Paths => [.. Tasks.Select(t => t.Path)];

    public int Count => Tasks.Count;

    /// <summary>Reads every file, in order; the first bad one throws <see cref="MftException"/> naming it (and the line).</summary>
    public static ChoiceTaskSet Read(IEnumerable<string> paths) => new([.. paths.Select(p => (p, ChoiceTaskFile.Read(p)))]);

    /// <summary>
    /// The model's acc and acc_norm on each task, in order (<see cref="ChoiceTask.Evaluate"/>), in whatever precision
    /// the caller's <c>Models.Layers.Autocast</c> region sets (none: fp32).
    /// </summary>
    public IReadOnlyList<ChoiceTaskResult> Evaluate(CausalLM model, ITextTokenizer tokenizer, int context, int batchSize) =>
        [.. Tasks.Select(t => ChoiceTask.Evaluate(model, tokenizer, t.Items, context, batchSize))];
}
