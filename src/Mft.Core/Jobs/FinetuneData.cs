using Mft.Chat;
using Mft.Data;
using Mft.Evaluation;
using Mft.Tokenization;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>
/// A job's samples, read and split exactly as <see cref="FinetuneJob"/> trains on them: the domain split by the
/// seed, the general evaluation set (and its validation part, when asked for), and the replay samples. The teacher pass (<see cref="TeacherPass"/>) builds
/// the same training rows from it, so a teacher cache computed on its own matches the run that uses it.
/// </summary>
public sealed record FinetuneData(IReadOnlyList<TextSample> Domain, DatasetSplit<TextSample> Split, IReadOnlyList<TextSample> General, IReadOnlyList<TextSample> Replay,
    IReadOnlyList<TextSample> GeneralValidation)
{
    public static FinetuneData Read(FinetuneJobConfig config)
    {
        var t = config.Trainer;
        var domain = SampleReader.Read(config.DataPath, config.TextSplit);
        var split = DatasetSplit<TextSample>.Create(domain, t.Seed, config.ValidationFraction,
            config.DomainTestPath is null ? config.TestFraction : 0, config.MaxSamples);
        if (config.DomainTestPath is not null)
        {
            var (test, validation) = HeldOutSamples.Split(SampleReader.Read(config.DomainTestPath, config.TextSplit), config.DomainTestMaxSamples, config.DomainValidationSamples, t.Seed, config.DomainTestPath);
            split = split with { Test = test, Validation = config.DomainValidationSamples is null ? split.Validation : validation };
        }
        var (general, generalValidation) = config.GeneralPath is null ? ([], [])
            : HeldOutSamples.Split(SampleReader.Read(config.GeneralPath, config.TextSplit), config.GeneralMaxSamples, config.GeneralValidationSamples, t.Seed, config.GeneralPath);
        return new FinetuneData(domain, split, general, ReplaySamples(config, split.Train.Count), generalValidation);
    }

    /// <summary>Chat data (any "messages" sample) is rendered with the model's chat template.</summary>
    public bool IsChat => ChatData.IsChat(Domain.Concat(Split.Test));

    /// <summary>The training rows: train and replay samples, encoded (eos-terminated unless eos is also bos) and packed or padded.</summary>
    public IReadOnlyList<TokenSequence> Rows(ITextTokenizer tok, ChatFormat? chat, TrainerConfig t)
    {
        return SequenceBuilder.Build(Split.Train.Concat(Replay).Select(s => SampleEncoder.Encode(tok, s, trainingSample: true, chat)), t.ContextLength, t.Packing);
    }

    /// <summary>Measures perplexity on the validation, test, general and general validation sets in windows of the context length.</summary>
    public SpecializationEvaluator Evaluator(ITextTokenizer tok, ChatFormat? chat, int contextLength, int batchSize)
    {
        List<TokenSequence> Windows(IEnumerable<TextSample> samples) => Perplexity.WindowsOf(tok, samples, contextLength, chat: chat);
        return new SpecializationEvaluator(Windows(Split.Validation), Windows(Split.Test), Windows(General), batchSize, Windows(GeneralValidation));
    }

    private static IReadOnlyList<TextSample> ReplaySamples(FinetuneJobConfig config, int domainSamples)
    {
        if (config.ReplayFraction <= 0 || config.ReplayPath is null) return [];
        var pool = SampleReader.Read(config.ReplayPath, config.TextSplit);
        int wanted = (int)Math.Round(domainSamples * config.ReplayFraction / (1 - config.ReplayFraction));
        if (pool.Count < wanted)
            throw new MftException($"{config.ReplayPath}: {pool.Count} samples, but a replay fraction of {config.ReplayFraction} with {domainSamples} domain samples needs {wanted}");
        return HeldOutSamples.Subsample(pool, wanted, config.Trainer.Seed + 1);
    }
}
