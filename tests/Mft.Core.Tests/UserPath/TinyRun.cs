namespace Mft.Tests.UserPath;

/// <summary>
/// How a documented command is run on <see cref="UserWorkspace"/>'s tiny inputs. Its words are kept, with three kinds
/// of change, each stated here and nowhere else:
/// <list type="bullet">
/// <item>placeholders the documentation uses for "your file" become the workspace's files (<c>M</c>, <c>D</c>,
/// <c>X</c>, <c>DIR</c>), and the cluster's shared folder <c>/shared/</c> a folder of the workspace;</item>
/// <item>sizes shrink: the value of a size option is replaced (or the option added) so that a run takes seconds
/// (two steps, 16 samples, 64-token rows, 5 new tokens, a 300-token vocabulary);</item>
/// <item>a share <c>--shard K/N</c> stands for every share of the grid split in two (1/2 and 2/2), run one after the
/// other: a user's launcher runs them all, and a later <c>--collect</c> needs every one; the tiny grid needs no eight.
/// <c>--submit</c> is left out: tests/cluster submits to a real Slurm.</item>
/// </list>
/// </summary>
public static class TinyRun
{
    private static readonly Dictionary<string, string> Placeholders = new(StringComparer.Ordinal)
    {
        ["M"] = UserWorkspace.Model, ["D"] = UserWorkspace.DomainData, ["X"] = "sweeps/embedded.yaml", ["DIR"] = "runs/sweep-dir",
    };

    /// <summary>Size options by command: replaced where the command sets them, added where it does not.</summary>
    private static readonly Dictionary<string, (string Flag, string Value)[]> Sizes = new(StringComparer.Ordinal)
    {
        ["train"] = [("--max-steps", "2"), ("--max-samples", "16"), ("--context", "64")],
        ["teacher-cache"] = [("--max-steps", "2"), ("--max-samples", "16"), ("--context", "64")],
        ["generate"] = [("--max-new-tokens", "5")],
        ["demo"] = [("--domains", "bible"), ("--taus", "0.1"), ("--samples", "16"), ("--steps", "2"), ("--evaluations", "1"), ("--context", "64"), ("--data-dir", "data")],
        ["pretrain"] = [("--max-steps", "2"), ("--eval-every", "2"), ("--checkpoint-every", "1"), ("--batch-size", "2"), ("--context", "64")],
        ["tokenizer"] = [("--vocab-size", "300")],
    };

    /// <summary>The argument lists to run, in order, for one documented command.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> For(DocumentedCommand command)
    {
        var words = command.Arguments.Where(w => w != "--submit")
            .Select(w => Placeholders.TryGetValue(w, out var p) ? p : w.StartsWith("/shared/", StringComparison.Ordinal) ? "shared/" + w["/shared/".Length..] : w)
            .ToList();
        if (Sizes.TryGetValue(command.Verb, out var sizes))
            foreach (var (flag, value) in sizes)
            {
                int at = words.IndexOf(flag);
                if (at >= 0) words[at + 1] = value;
                else words.AddRange([flag, value]);
            }
        int shard = words.IndexOf("--shard");
        if (shard < 0) return [words];
        const int n = 2;
        return Enumerable.Range(1, n).Select(k =>
        {
            var share = new List<string>(words) { [shard + 1] = $"{k}/{n}" };
            return (IReadOnlyList<string>)share;
        }).ToList();
    }
}
