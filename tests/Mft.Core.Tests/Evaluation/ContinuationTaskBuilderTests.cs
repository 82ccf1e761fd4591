using Mft.Data;
using Mft.Evaluation;

namespace Mft.Tests.Evaluation;

public sealed class ContinuationTaskBuilderTests
{
    [Theory]
    [InlineData("And God said, Let there be light: and there was light.", "And God said, Let there be light:", "and there was light.")]
    [InlineData("One two three four. Five six seven eight! Nine ten eleven twelve?", "One two three four. Five six seven eight!", "Nine ten eleven twelve?")]
    [InlineData("ABRIDGE, v.t. To shorten.\nWhen in the course of human events it becomes necessary", "ABRIDGE, v.t. To shorten.", "When in the course of human events it becomes necessary")]
    [InlineData("He said: \"Come here now.\" Then he left the room quickly.", "He said: \"Come here now.\"", "Then he left the room quickly.")]
    public void Should_split_a_document_at_its_last_boundary_that_leaves_both_parts_long_enough(string text, string passage, string ending)
    {
        Assert.Equal((passage, ending), ContinuationTaskBuilder.Split(text));
    }

    [Theory]
    [InlineData("A single sentence with no boundary at all")]
    [InlineData("Too short. Then two.")]
    public void Should_not_split_a_document_without_such_a_boundary(string text)
    {
        Assert.Null(ContinuationTaskBuilder.Split(text));
    }

    [Fact]
    public void Should_draw_four_distinct_choices_with_the_documents_own_ending_as_gold_the_same_for_the_same_seed()
    {
        // Given documents that each split
        var docs = Enumerable.Range(0, 40).Select(i => new TextSample("", $"Document number {i} begins here. It ends with words number {i}.", $"f:{i}")).ToList();
        // When built twice with one seed, and with another
        var items = ContinuationTaskBuilder.Build(docs, 30, seed: 5);
        var again = ContinuationTaskBuilder.Build(docs, 30, seed: 5);
        var other = ContinuationTaskBuilder.Build(docs, 30, seed: 6);
        // Then each item's gold is its own document's ending, the other three are other documents', all distinct
        Assert.Equal(30, items.Count);
        foreach (var item in items)
        {
            string n = item.Context.Split(' ')[2];
            Assert.Equal($" It ends with words number {n}.", item.Choices[item.Gold]);
            Assert.Equal(4, item.Choices.Distinct().Count());
        }
        // and the gold's position is spread over the four
        Assert.Equal(4, items.Select(i => i.Gold).Distinct().Count());
        Assert.Equal(items.Select(i => (i.Context, string.Join("|", i.Choices), i.Gold)), again.Select(i => (i.Context, string.Join("|", i.Choices), i.Gold)));
        Assert.NotEqual(items.Select(i => i.Context), other.Select(i => i.Context));
    }
}
