namespace Mft.Tokenization.SentencePiece;

/// <summary>A byte trie over UTF-8 pieces: every piece that is a prefix of the text at a position, shortest first.</summary>
public sealed class PieceTrie
{
    private sealed class Node
    {
        public readonly Dictionary<byte, Node> Next = new();
        public int Id = -1;
    }

    private readonly Node _root = new();

    public bool IsEmpty => _root.Next.Count == 0;

    public void Add(ReadOnlySpan<byte> key, int id)
    {
        var node = _root;
        foreach (var b in key)
        {
            if (!node.Next.TryGetValue(b, out var next)) node.Next[b] = next = new Node();
            node = next;
        }
        if (node.Id < 0) node.Id = id;   // the first piece with a spelling wins, as in SentencePiece's own map
    }

    /// <summary>(length in bytes, id) of every piece that starts <paramref name="text"/>, shortest first.</summary>
    public IEnumerable<(int Length, int Id)> PrefixesOf(byte[] text, int start)
    {
        var node = _root;
        for (int i = start; i < text.Length; i++)
        {
            if (!node.Next.TryGetValue(text[i], out node!)) yield break;
            if (node.Id >= 0) yield return (i - start + 1, node.Id);
        }
    }

    /// <summary>The length in bytes of the longest piece that starts <paramref name="text"/> at <paramref name="start"/>, or 0.</summary>
    public int LongestPrefix(byte[] text, int start)
    {
        int longest = 0;
        foreach (var (length, _) in PrefixesOf(text, start)) longest = length;
        return longest;
    }
}
