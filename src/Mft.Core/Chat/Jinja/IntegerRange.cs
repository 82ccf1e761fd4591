using System.Collections;

namespace Mft.Chat.Jinja;

/// <summary>
/// What <c>range(start, stop, step)</c> returns: its items are computed when read, so a <c>for</c> loop over it
/// allocates nothing per item up front. Anywhere else (a variable, a filter, an argument) it becomes a list
/// (<see cref="Interpreter"/> converts it), as in @huggingface/jinja. Longer than
/// <see cref="TemplateLimits.MaxRangeLength"/> is an error, as in Jinja2's sandbox.
/// </summary>
internal sealed class IntegerRange : IReadOnlyList<object?>
{
    private readonly long _start, _step;

    private IntegerRange(long start, long step, int count) => (_start, _step, Count) = (start, step, count);

    public int Count { get; }

    public object? this[int index] => (uint)index < (uint)Count ? _start + index * _step : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Python's <c>range</c> over 1 to 3 integer arguments.</summary>
    public static IntegerRange FromArguments(CallArgs a)
    {
        var bounds = a.Positional.Select(p => p as long? ?? throw new TemplateError("range() needs integers")).ToList();
        var (start, stop, step) = bounds.Count switch
        {
            1 => (0L, bounds[0], 1L),
            2 => (bounds[0], bounds[1], 1L),
            3 => (bounds[0], bounds[1], bounds[2]),
            _ => throw new TemplateError("range() takes 1 to 3 integers"),
        };
        if (step == 0) throw new TemplateError("range() step cannot be zero");
        // Python's len(range): ceil((stop - start) / step) when positive; in decimal, so no bound overflows.
        decimal span = step > 0 ? (decimal)stop - start : (decimal)start - stop;
        decimal length = span <= 0 ? 0 : Math.Ceiling(span / Math.Abs((decimal)step));
        if (length > TemplateLimits.MaxRangeLength)
            throw TemplateLimits.Exceeded($"range() of {TemplateLimits.Count(length)} items", "MaxRangeLength", TemplateLimits.MaxRangeLength);
        return new IntegerRange(start, step, (int)length);
    }

    /// <summary>The items as a list.</summary>
    public List<object?> ToList() => [.. this];

    public IEnumerator<object?> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
