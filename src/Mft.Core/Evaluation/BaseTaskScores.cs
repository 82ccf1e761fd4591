using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mft.Evaluation;

/// <summary>
/// The base model's scores on a job's task files (one result per path, in order), measured once and given to every run
/// on the same tasks and context (a sweep's runs of one domain, the demo's), as <see cref="BasePerplexities"/> are.
/// </summary>
public sealed record BaseTaskScores(IReadOnlyList<string> Paths, IReadOnlyList<ChoiceTaskResult> Results)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Whether these are the scores of exactly these task files, in this order.</summary>
    public bool AreFor(IReadOnlyList<string> paths) => Paths.SequenceEqual(paths);

    /// <summary>As saved: <c>{"paths": [...], "results": [{"items", "accuracy", ...}]}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads what <see cref="ToJson"/> wrote; anything else is an error naming the file.</summary>
    public static BaseTaskScores Read(string path)
    {
        BaseTaskScores? scores;
        try { scores = JsonSerializer.Deserialize<BaseTaskScores>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new MftException($"{path}: not a base task score file ({e.Message})"); }
        if (scores is not { Paths: not null, Results: not null } || scores.Paths.Count != scores.Results.Count)
            throw new MftException($"{path}: not a base task score file (expected paths and as many results)");
        return scores;
    }
}
