namespace Mft.Data;

/// <summary>
/// The layout of a corpora folder such as data/: general/train.txt (replay source), general/test.txt (where
/// degeneralization is measured) and domains/NAME/{train,test}.txt.
/// </summary>
public static class CorpusLayout
{
    public static string DomainTrain(string root, string domain) => Path.Combine(root, "domains", domain, "train.txt");
    public static string DomainTest(string root, string domain) => Path.Combine(root, "domains", domain, "test.txt");
    public static string GeneralTrain(string root) => Path.Combine(root, "general", "train.txt");
    public static string GeneralTest(string root) => Path.Combine(root, "general", "test.txt");

    /// <summary>Fails naming the first missing file; the general train file is needed only for replay.</summary>
    public static void Check(string root, IEnumerable<string> domains, bool needGeneralTrain)
    {
        var files = domains.SelectMany(d => new[] { DomainTrain(root, d), DomainTest(root, d) }).Append(GeneralTest(root));
        if (needGeneralTrain) files = files.Append(GeneralTrain(root));
        foreach (var f in files)
            if (!File.Exists(f)) throw new MftException($"{f}: not found (a corpora folder holds general/test.txt{(needGeneralTrain ? ", general/train.txt" : "")} and domains/NAME/train.txt and test.txt)");
    }
}
