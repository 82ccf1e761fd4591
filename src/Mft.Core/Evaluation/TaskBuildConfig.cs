namespace Mft.Evaluation;

/// <summary>
/// <c>mft tasks build</c>'s options: the continuation tasks (<see cref="ContinuationTaskBuilder"/>) of a corpora folder's
/// held-out files, and which validation sets they keep away from. Sweeps take their validation samples from the same
/// held-out files (<see cref="Data.HeldOutSamples"/>: after the test samples, in the order a run's seed shuffles them);
/// the defaults are those of sweeps/tuned.yaml (seeds 0 to 2, 100 domain and 100 general test samples, 50 validation).
/// </summary>
public sealed record TaskBuildConfig
{
    [Option("data", Help = "corpora folder: general/test.txt and domains/NAME/test.txt", Value = "DIR")]
    public string CorporaDirectory { get; init; } = "data";
    [Option("out", Help = "where the task files go (general.jsonl, NAME.jsonl)", Value = "DIR")]
    public string OutputDirectory { get; init; } = "data/tasks";
    [Option("items", Help = "items per task, at most (fewer where fewer documents qualify)")]
    public int Items { get; init; } = 200;
    /// <summary>
    /// general/test.txt holds the Brown corpus's held-out paragraphs first (682 of them) and then nlp-corpus's sentences in
    /// groups of five; those sentences are unrelated to each other, so a group's last sentence is no continuation of the others.
    /// </summary>
    [Option("general_documents", Help = "items from the first N documents of general/test.txt only (its Brown corpus paragraphs); 0: all")]
    public int GeneralDocuments { get; init; } = 682;
    [Option("seed", Help = "draws the documents, the distractors and the gold positions")]
    public int Seed { get; init; } = 31;
    [Option("validation_seeds", Help = "leave out the validation samples of the runs with seeds 0 to N-1")]
    public int ValidationSeeds { get; init; } = 3;
    [Option("domain_test_samples", Help = "the domain test samples a sweep takes before its validation samples")]
    public int DomainTestSamples { get; init; } = 100;
    [Option("general_test_samples", Help = "the general test samples a sweep takes before its validation samples")]
    public int GeneralTestSamples { get; init; } = 100;
    [Option("validation_samples", Help = "validation samples a sweep takes from each held-out file; 0: none to leave out")]
    public int ValidationSamples { get; init; } = 50;

    public void Validate()
    {
        if (Items < 1) throw new OptionException("items", $"must be positive, got {Items}");
        if (GeneralDocuments < 0) throw new OptionException("general_documents", $"must be >= 0, got {GeneralDocuments}");
        if (ValidationSeeds < 0) throw new OptionException("validation_seeds", $"must be >= 0, got {ValidationSeeds}");
        if (DomainTestSamples < 0) throw new OptionException("domain_test_samples", $"must be >= 0, got {DomainTestSamples}");
        if (GeneralTestSamples < 0) throw new OptionException("general_test_samples", $"must be >= 0, got {GeneralTestSamples}");
        if (ValidationSamples < 0) throw new OptionException("validation_samples", $"must be >= 0, got {ValidationSamples}");
    }
}
