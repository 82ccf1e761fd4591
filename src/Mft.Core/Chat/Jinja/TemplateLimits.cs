using System.Globalization;

namespace Mft.Chat.Jinja;

/// <summary>
/// Bounds on what rendering one chat template may cost. A template comes inside a downloaded model's
/// <c>tokenizer_config.json</c>, so it is untrusted input: without these a few characters of template
/// (<c>range(10**9)</c>, a macro that calls itself, a loop doubling a string) exhaust memory, loop for hours or
/// overflow the .NET stack, which kills the process. Each limit is far above what the real templates need
/// (measured on Qwen3, Llama 3 and Gemma 3 by <c>ChatTemplateLimitsTests</c>; see docs/chat.md) and far below
/// what hurts. Exceeding one is a <see cref="TemplateError"/> naming the limit and its value.
/// </summary>
internal static class TemplateLimits
{
    /// <summary>
    /// Most items a <c>range()</c> may have: Jinja2's sandbox uses the same 100,000 (<c>MAX_RANGE</c>). Real
    /// templates use <c>range</c> for nothing longer than a conversation (the list of messages).
    /// </summary>
    public const int MaxRangeLength = 100_000;

    /// <summary>
    /// Deepest nesting of brackets, operators and blocks (<c>if</c>, <c>for</c>, <c>macro</c>, each <c>elif</c>)
    /// the parser accepts. Real templates nest a few levels; 200 levels keep the parser's recursion well inside
    /// a 1 MiB thread stack (tested on one).
    /// </summary>
    public const int MaxNestingDepth = 200;

    /// <summary>
    /// Deepest nesting of macro calls (a macro calling itself or others). Templates that render nested JSON
    /// schemas of tools recurse once per level of the schema, a handful at most; a recursion without an end
    /// stops here instead of overflowing the stack. A call nests 2 or more evaluation levels, so 50 calls stay
    /// inside <see cref="MaxEvaluationDepth"/>.
    /// </summary>
    public const int MaxMacroCallDepth = 50;

    /// <summary>
    /// Deepest nesting of statements and expressions being evaluated at once, macro calls included (an expression
    /// such as <c>1 + 1 + ... + 1</c> is parsed by a loop but evaluated recursively). The real templates reach 13;
    /// a level takes up to 1.4 KiB of stack (a 1 MiB stack overflowed at 732), so 250 levels use a third of a
    /// 1 MiB thread stack (tested on one). It is above <see cref="MaxNestingDepth"/>, so whatever parses can nest.
    /// </summary>
    public const int MaxEvaluationDepth = 250;

    /// <summary>
    /// Longest rendered text, and longest string or list a template may build: 8 Mi characters (16 MiB). A
    /// million-token conversation is about 4 Mi characters, beyond any model's context; rendering stops here
    /// instead of growing a string until memory runs out.
    /// </summary>
    public const int MaxLength = 8 * 1024 * 1024;

    /// <summary>
    /// Longest list a template may build (by <c>+</c>): a million items, 32 MB of boxed integers. Real templates
    /// build lists no longer than the conversation.
    /// </summary>
    public const int MaxListLength = 1_000_000;

    /// <summary>
    /// Most steps one rendering may take: a step is a statement or expression evaluated, a tenth of a loop
    /// iteration (<see cref="StepsPerLoopIteration"/>), an item of a list that an operation builds or searches, or
    /// <see cref="CharactersPerStep"/> characters of a string it builds. Two million steps take about half a
    /// second. On 2,000 messages of 1,000 characters the real templates take 300,000 (Gemma 3) to 381,000
    /// (Qwen3) steps, a fifth of the budget: about 10,000 such messages fit, far beyond any model's context
    /// (ChatTemplateLimitsTests renders the 2,000 with each).
    /// </summary>
    public const long MaxSteps = 2_000_000;

    /// <summary>
    /// Steps one loop iteration costs before its body runs: it builds the 9 fields of <c>loop</c> and binds the loop
    /// variables, ten times the work of evaluating a name.
    /// </summary>
    public const int StepsPerLoopIteration = 10;

    /// <summary>Characters of a string an operation may build for the cost of one step: copying 32 characters costs about what evaluating a name does.</summary>
    public const int CharactersPerStep = 32;

    /// <summary>Throws when <paramref name="what"/>, <paramref name="length"/> <paramref name="unit"/> long, would exceed <see cref="MaxLength"/>.</summary>
    public static void CheckLength(long length, string what, string unit = "characters")
    {
        if (length > MaxLength) throw Exceeded($"{what} of {Count(length)} {unit}", "MaxLength", MaxLength);
    }

    /// <summary>Throws when a list of <paramref name="count"/> items would exceed <see cref="MaxListLength"/>.</summary>
    public static void CheckListLength(long count, string what)
    {
        if (count > MaxListLength) throw Exceeded($"{what} of {Count(count)} items", "MaxListLength", MaxListLength);
    }

    /// <summary><paramref name="a"/> followed by <paramref name="b"/>, within <see cref="MaxLength"/>.</summary>
    public static string Concat(string a, string b)
    {
        CheckLength((long)a.Length + b.Length, "a concatenated string");
        return a + b;
    }

    /// <summary>The error for a limit: what was attempted, the limit's name and its value.</summary>
    public static TemplateError Exceeded(string what, string limit, long value) =>
        new($"{what} exceeds the template limit {limit} = {Count(value)}");

    /// <summary><paramref name="n"/> with thousands separators, as limits are written in messages.</summary>
    public static string Count(decimal n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
