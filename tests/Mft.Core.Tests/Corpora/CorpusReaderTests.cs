using System.IO.Compression;
using System.Text;
using Mft.Corpora;

namespace Mft.Tests.Corpora;

public sealed class CorpusReaderTests
{
    [Fact]
    public void Should_strip_brown_tags_and_undo_its_tokenization()
    {
        var dir = TempDir.Create("brown");
        File.WriteAllText(Path.Combine(dir, "ca01"),
            "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc it/pps didn't/dod* ./.\n\n\n\tSecond/od paragraph/nn ./.\n");
        var (file, paragraphs) = BrownCorpus.Read(dir).Single();
        Assert.Equal("ca01", file);
        Assert.Equal(["The jury said \"no evidence\", and it didn't.", "Second paragraph."], paragraphs);
    }

    [Fact]
    public void Should_read_dictd_entries_by_their_base64_offsets()
    {
        // Given a two-entry dictionary; "B" = 1 and "F" = 5 in dictd's base 64
        var dir = TempDir.Create("dictd");
        var body = "Xfirst  entry\n\n  text\nsecond";
        using (var gz = new GZipStream(File.Create(Path.Combine(dir, "d.dict.dz")), CompressionLevel.Optimal))
            gz.Write(Encoding.UTF8.GetBytes(body));
        File.WriteAllText(Path.Combine(dir, "d.index"), "00databaseinfo\tA\tB\nfirst\tB\tV\nsecond\tW\tG\n");
        // When
        var entries = DictdDictionary.ReadEntries(Path.Combine(dir, "d.index"), Path.Combine(dir, "d.dict.dz"));
        // Then
        Assert.Equal(["first entry\ntext", "second"], entries);
    }

    [Fact]
    public void Should_take_one_document_per_kjv_verse()
    {
        var path = Path.Combine(TempDir.Create("kjv"), "kjv.txt");
        File.WriteAllText(path, "\nGenesis 1\n\n   1 In the beginning God created the heaven and the earth.\n   2 And the earth was without form.\n");
        Assert.Equal(["In the beginning God created the heaven and the earth.", "And the earth was without form."], KjvBible.ReadVerses(path));
    }
}
