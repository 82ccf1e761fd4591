namespace Mft.Data;

/// <summary>How samples become fixed-length training rows.</summary>
public enum Packing
{
    /// <summary>Samples are concatenated (each ends with eos) and cut into rows of context + 1 tokens.</summary>
    Pack,
    /// <summary>Each sample is its own row, truncated to context + 1 tokens and padded in the batch.</summary>
    Pad,
}

/// <summary>Turns encoded samples into training rows of at most <c>context + 1</c> tokens.</summary>
public static class SequenceBuilder
{
    public static List<TokenSequence> Build(IEnumerable<TokenSequence> samples, int context, Packing packing) =>
        packing == Packing.Pack ? Pack(samples, context) : Pad(samples, context);

    public static List<TokenSequence> Pad(IEnumerable<TokenSequence> samples, int context)
    {
        var rows = new List<TokenSequence>();
        foreach (var s in samples)
        {
            int n = Math.Min(s.Ids.Length, context + 1);
            if (n < 2) continue;
            var mask = s.ScoreMask[..n];
            mask[0] = 0;
            if (mask.Skip(1).Any(m => m != 0)) rows.Add(new TokenSequence(s.Ids[..n], mask));
        }
        return rows;
    }

    public static List<TokenSequence> Pack(IEnumerable<TokenSequence> samples, int context)
    {
        var ids = new List<int>();
        var mask = new List<int>();
        foreach (var s in samples)
        {
            ids.AddRange(s.Ids);
            mask.AddRange(s.ScoreMask);
        }
        var rows = new List<TokenSequence>();
        // Rows overlap by one token: the last token of a row is the first input of the next, so every
        // token after the first is a target exactly once.
        for (int start = 0; start + 1 < ids.Count; start += context)
        {
            int end = Math.Min(start + context + 1, ids.Count);
            var rowMask = mask.GetRange(start, end - start).ToArray();
            rowMask[0] = 0;
            if (rowMask.Any(m => m != 0)) rows.Add(new TokenSequence(ids.GetRange(start, end - start).ToArray(), rowMask));
        }
        return rows;
    }
}
