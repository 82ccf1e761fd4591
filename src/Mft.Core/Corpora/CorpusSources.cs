namespace Mft.Corpora;

/// <summary>Where the raw sources are on this machine (see scripts/build-corpora.sh, which installs them).</summary>
public sealed record CorpusSources(string BrownDirectory, string NlpCorpusDirectory, string BibleText, string DictdDirectory);
