using System.Text.RegularExpressions;
using Mft.Data;

namespace Mft.Evaluation;

/// <summary>
/// HellaSwag-style items from a corpus's documents: "which continuation is the real one". A document whose text splits
/// at a sentence or clause boundary (after . ! ? ; or :) into a passage and a last sentence, each of at least
/// <see cref="MinWords"/> words (the last at most <see cref="MaxEndingWords"/>), gives one item: the passage is the
/// context, its own last sentence the gold choice, and the last sentences of three other such documents of the same corpus
/// the distractors. Whitespace runs (line breaks inside dictionary entries) become single spaces; each choice starts
/// with a space. Which documents become items, the distractors and the gold's position are drawn from the seed alone,
/// so the same documents and seed give the same items. Each ending is a distractor about as often as it is gold, so a
/// model that prefers some sentences regardless of context is at chance, 1 / (distractors + 1).
/// </summary>
public static partial class ContinuationTaskBuilder
{
    /// <summary>The fewest words a passage and its last sentence each have.</summary>
    public const int MinWords = 4;
    /// <summary>The most words a last sentence has (a longer one is not an item).</summary>
    public const int MaxEndingWords = 40;
    /// <summary>Choices per item: the real continuation and three others.</summary>
    public const int Choices = 4;

    /// <summary>Up to <paramref name="count"/> items from the documents (fewer when fewer split), in the order drawn.</summary>
    public static IReadOnlyList<ChoiceItem> Build(IReadOnlyList<TextSample> documents, int count, int seed)
    {
        var candidates = documents.Select(d => Split(d.Text)).OfType<(string Passage, string Ending)>()
            .DistinctBy(c => c.Ending).ToList();
        if (candidates.Count < Choices)
            throw new MftException($"{documents.FirstOrDefault()?.Source}: only {candidates.Count} documents split into a passage and a last sentence; an item needs {Choices}");
        var rng = new Random(seed);
        var order = Enumerable.Range(0, candidates.Count).ToArray();
        rng.Shuffle(order);
        var items = new List<ChoiceItem>();
        foreach (int i in order.Take(count))
        {
            var others = Enumerable.Range(0, candidates.Count).Where(j => j != i).ToArray();
            rng.Shuffle(others);
            var choices = others.Take(Choices - 1).Select(j => " " + candidates[j].Ending).ToList();
            int gold = rng.Next(Choices);
            choices.Insert(gold, " " + candidates[i].Ending);
            items.Add(new ChoiceItem(candidates[i].Passage, choices, gold));
        }
        return items;
    }

    /// <summary>The text as a passage and its last sentence, split at the last boundary that leaves both long enough; null when none does.</summary>
    public static (string Passage, string Ending)? Split(string text)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        var boundaries = Boundary().Matches(flat);
        for (int b = boundaries.Count - 1; b >= 0; b--)
        {
            var passage = flat[..boundaries[b].Index];
            var ending = flat[(boundaries[b].Index + boundaries[b].Length)..];
            int endingWords = Words(ending);
            if (endingWords > MaxEndingWords) return null;
            if (endingWords >= MinWords && Words(passage) >= MinWords) return (passage, ending);
        }
        return null;
    }

    private static int Words(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>A space after sentence or clause punctuation (a closing quote or bracket may follow it).</summary>
    [GeneratedRegex(@"(?<=[.!?;:][""'’”)\]]?) ")]
    private static partial Regex Boundary();
}
