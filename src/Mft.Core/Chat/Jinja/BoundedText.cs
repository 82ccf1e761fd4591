using System.Text;

namespace Mft.Chat.Jinja;

/// <summary>
/// Text being built (rendered output, a macro's or set block's text, a <c>tojson</c> or <c>replace</c> result) that
/// may not grow past <see cref="TemplateLimits.MaxLength"/>: the append that would is an error naming
/// <paramref name="what"/>, so no template can grow a string until memory runs out.
/// </summary>
internal sealed class BoundedText(string what)
{
    private readonly StringBuilder _text = new();

    public int Length => _text.Length;

    public BoundedText Append(ReadOnlySpan<char> text)
    {
        TemplateLimits.CheckLength((long)_text.Length + text.Length, what);
        _text.Append(text);
        return this;
    }

    public BoundedText Append(string text) => Append(text.AsSpan());

    public BoundedText Append(char c) => Append([c]);

    public override string ToString() => _text.ToString();
}
