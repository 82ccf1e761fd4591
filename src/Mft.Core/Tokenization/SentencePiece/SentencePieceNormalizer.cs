using System.Text;

namespace Mft.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's normalizer: the precompiled character map (a Darts double-array trie of rewrite rules, as in
/// nmt_nfkc models; identity models have none), user-defined symbols kept as they are, the dummy-prefix "▁",
/// extra-whitespace removal and escaping spaces as "▁" (U+2581). Works on UTF-8 bytes as SentencePiece does.
/// </summary>
public sealed class SentencePieceNormalizer
{
    public static readonly byte[] SpaceSymbol = "\u2581"u8.ToArray();
    private static readonly byte[] Replacement = [0xEF, 0xBF, 0xBD];

    private readonly NormalizerSpec _spec;
    private readonly bool _whitespaceAsSuffix;
    private readonly PieceTrie _userDefined;
    private readonly uint[] _trie = [];
    private readonly byte[] _rewrites = [];

    public SentencePieceNormalizer(NormalizerSpec spec, bool treatWhitespaceAsSuffix, PieceTrie userDefined, string path)
    {
        _spec = spec;
        _whitespaceAsSuffix = treatWhitespaceAsSuffix;
        _userDefined = userDefined;
        var map = spec.PrecompiledCharsMap;
        if (map.Length > 0)
        {
            if (map.Length < 4) throw new MftException($"{path}: precompiled_charsmap is truncated");
            var trieBytes = BitConverter.ToUInt32(map, 0);
            if (trieBytes % 4 != 0 || 4 + trieBytes > map.Length)
                throw new MftException($"{path}: precompiled_charsmap has an impossible trie size {trieBytes}");
            _trie = new uint[trieBytes / 4];
            Buffer.BlockCopy(map, 4, _trie, 0, (int)trieBytes);
            _rewrites = map[(4 + (int)trieBytes)..];
        }
        else if (spec.Name is not ("identity" or ""))
            throw new MftException($"{path}: normalizer '{spec.Name}' has no precompiled_charsmap; only identity or precompiled rules are supported");
    }

    /// <summary>Normalized UTF-8 of <paramref name="text"/>, ready for the segmentation model.</summary>
    public byte[] Normalize(string text)
    {
        var input = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(input.Length + 8);
        int pos = 0;
        if (_spec.RemoveExtraWhitespaces)
        {
            while (pos < input.Length)
            {
                var (rewrite, consumed) = NormalizePrefix(input, pos);
                if (!(rewrite.Length == 1 && rewrite[0] == (byte)' ')) break;
                pos += consumed;
            }
        }
        if (pos == input.Length) return [];
        if (!_whitespaceAsSuffix && _spec.AddDummyPrefix) AddSpace(output);
        bool previousWasSpace = _spec.RemoveExtraWhitespaces;
        while (pos < input.Length)
        {
            var (rewrite, consumed) = NormalizePrefix(input, pos);
            int start = 0;
            while (previousWasSpace && start < rewrite.Length && rewrite[start] == (byte)' ') start++;
            if (start < rewrite.Length)
            {
                for (int i = start; i < rewrite.Length; i++)
                {
                    if (_spec.EscapeWhitespaces && rewrite[i] == (byte)' ') output.AddRange(SpaceSymbol);
                    else output.Add(rewrite[i]);
                }
                previousWasSpace = rewrite[^1] == (byte)' ';
            }
            pos += consumed;
            if (!_spec.RemoveExtraWhitespaces) previousWasSpace = false;
        }
        if (_spec.RemoveExtraWhitespaces)
        {
            var space = _spec.EscapeWhitespaces ? SpaceSymbol : " "u8.ToArray();
            while (EndsWith(output, space)) output.RemoveRange(output.Count - space.Length, space.Length);
        }
        if (_whitespaceAsSuffix && _spec.AddDummyPrefix) AddSpace(output);
        return output.ToArray();
    }

    private void AddSpace(List<byte> output)
    {
        if (_spec.EscapeWhitespaces) output.AddRange(SpaceSymbol);
        else output.Add((byte)' ');
    }

    private static bool EndsWith(List<byte> s, byte[] suffix)
    {
        if (s.Count < suffix.Length) return false;
        for (int i = 0; i < suffix.Length; i++) if (s[s.Count - suffix.Length + i] != suffix[i]) return false;
        return true;
    }

    /// <summary>The rewrite of the longest rule matching at <paramref name="pos"/>, and how many input bytes it consumed.</summary>
    private (byte[] Rewrite, int Consumed) NormalizePrefix(byte[] input, int pos)
    {
        int user = _userDefined.IsEmpty ? 0 : _userDefined.LongestPrefix(input, pos);
        if (user > 0) return (input[pos..(pos + user)], user);
        var (length, value) = LongestRule(input, pos);
        if (length > 0)
        {
            int end = value;
            while (end < _rewrites.Length && _rewrites[end] != 0) end++;
            return (_rewrites[value..end], length);
        }
        int valid = Utf8.ValidCharLength(input, pos);
        return valid == 0 ? (Replacement, 1) : (input[pos..(pos + valid)], valid);
    }

    /// <summary>Darts-clone common-prefix search over the rule trie: the longest matching key's (length, value).</summary>
    private (int Length, int Value) LongestRule(byte[] key, int start)
    {
        if (_trie.Length == 0) return (0, 0);
        int best = 0, bestValue = 0;
        uint nodePos = 0;
        uint unit = _trie[0];
        nodePos ^= Offset(unit);
        for (int i = start; i < key.Length; i++)
        {
            nodePos ^= key[i];
            if (nodePos >= _trie.Length) break;
            unit = _trie[nodePos];
            if ((unit & ((1u << 31) | 0xFF)) != key[i]) break;
            nodePos ^= Offset(unit);
            if (((unit >> 8) & 1) == 1 && nodePos < _trie.Length)
            {
                best = i - start + 1;
                bestValue = (int)(_trie[nodePos] & ((1u << 31) - 1));
            }
        }
        return (best, bestValue);
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
