using Mft.Evaluation;

namespace Mft.Tests.Evaluation;

/// <summary>Task files: the documented format reads back as written, and every kind of bad line is an error naming file:line.</summary>
public sealed class ChoiceTaskFileTests
{
    [Fact]
    public void Should_read_back_what_it_writes_with_the_source_of_each_item()
    {
        var path = Path.Combine(TempDir.Create("tasks"), "t.jsonl");
        var items = new[] { new ChoiceItem("Ein «Satz»", [" a \"quote\"", " b\nc"], 1), new ChoiceItem("", [" x", " y", " z"], 2) };
        ChoiceTaskFile.Write(path, items);
        var read = ChoiceTaskFile.Read(path);
        Assert.Equal(items.Select(i => (i.Context, string.Join("|", i.Choices), i.Gold)), read.Select(i => (i.Context, string.Join("|", i.Choices), i.Gold)));
        Assert.Equal([$"{path}:1", $"{path}:2"], read.Select(i => i.Source));
        Assert.Contains("«Satz»", File.ReadAllText(path));   // non-ASCII written as it is
    }

    [Theory]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 0", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object with context, choices and gold, got a list")]
    [InlineData("{\"choices\": [\" a\", \" b\"], \"gold\": 0}", "missing \"context\"")]
    [InlineData("{\"context\": \"c\", \"gold\": 0}", "missing \"choices\"")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"]}", "missing \"gold\"")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 0, \"label\": 1}", "unknown key \"label\" (an item has context, choices and gold)")]
    [InlineData("{\"context\": 3, \"choices\": [\" a\", \" b\"], \"gold\": 0}", "\"context\" must be a string, got a number")]
    [InlineData("{\"context\": \"c\", \"choices\": \" a\", \"gold\": 0}", "\"choices\" must be a list of strings, got a string")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\"], \"gold\": 0}", "needs at least 2 choices, got 1")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", 5], \"gold\": 0}", "choice 1 must be a string, got a number")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" \"], \"gold\": 0}", "choice 1 is empty")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 2}", "gold 2 is out of range for 2 choices (0 to 1)")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": -1}", "gold -1 is out of range for 2 choices (0 to 1)")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 0.5}", "\"gold\" must be a whole number (the right choice's 0-based index), got 0.5")]
    [InlineData("{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": \"0\"}", "\"gold\" must be a whole number (the right choice's 0-based index), got \"0\"")]
    public void Should_refuse_a_bad_item_naming_its_file_and_line_and_what_is_wrong(string line, string expected)
    {
        // Given a good item, a blank line, and the bad one on line 3
        var path = Path.Combine(TempDir.Create("bad-tasks"), "t.jsonl");
        File.WriteAllText(path, "{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 1}\n\n" + line + "\n");
        // When it is read, Then the error names file:3 and the fault
        var e = Assert.Throws<MftException>(() => ChoiceTaskFile.Read(path));
        Assert.StartsWith($"{path}:3: {expected}", e.Message);
    }

    [Fact]
    public void Should_refuse_a_missing_or_empty_file()
    {
        var dir = TempDir.Create("no-tasks");
        Assert.Equal($"{dir}/none.jsonl: file not found", Assert.Throws<MftException>(() => ChoiceTaskFile.Read($"{dir}/none.jsonl")).Message);
        File.WriteAllText($"{dir}/empty.jsonl", "\n\n");
        Assert.StartsWith($"{dir}/empty.jsonl: contains no items", Assert.Throws<MftException>(() => ChoiceTaskFile.Read($"{dir}/empty.jsonl")).Message);
    }
}
