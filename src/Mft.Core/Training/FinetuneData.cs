using Mft.Chat;
using Mft.Data;
using Mft.Evaluation;
using Mft.Tokenization;

namespace Mft.Training;

/// <summary>
/// A job's samples, read and split exactly as <see cref="FinetuneJob"/> trains on them: the domain split by the
/// seed, the general evaluation set, and the replay samples. The teacher pass (<see cref="TeacherPass"/>) builds
/// the same training rows from it, so a teacher cache computed on its own matches the run that uses it.
/// </summary>
public sealed record FinetuneData(IReadOnlyList<TextSample> Domain, DatasetSplit<TextSample> Split, IReadOnlyList<TextSample> General, IReadOnlyList<TextSample> Replay)
{
    public static FinetuneData Read(FinetuneJobConfig config)
    {
        var t = config.Trainer;
        var domain = SampleReader.Read(config.DataPath, config.TextSplit);
        var split = DatasetSplit<TextSample>.Create(domain, t.Seed, config.ValidationFraction,
            config.DomainTestPath is null ? config.TestFraction : 0, config.MaxSamples);
        if (config.DomainTestPath is not null)
            split = split with { Test = Subsample(SampleReader.Read(config.DomainTestPath, config.TextSplit), config.DomainTestMaxSamples, t.Seed) };
        var general = config.GeneralPath is null ? [] : Subsample(SampleReader.Read(config.GeneralPath, config.TextSplit), config.GeneralMaxSamples, t.Seed);
        return new FinetuneData(domain, split, general, ReplaySamples(config, split.Train.Count));
    }

    /// <summary>Chat data (any "messages" sample) is rendered with the model's chat template.</summary>
    public bool IsChat => Domain.Concat(Split.Test).Any(s => s.Messages is not null);

    /// <summary>The training rows: train and replay samples, encoded (eos-terminated unless eos is also bos) and packed or padded.</summary>
    public IReadOnlyList<TrainingSequence> Rows(ITextTokenizer tok, ChatFormat? chat, TrainerConfig t)
    {
        bool appendEos = tok.Special.EosId != tok.Special.BosId || !tok.Special.AddBos;
        return SequenceBuilder.Build(Split.Train.Concat(Replay).Select(s => SampleEncoder.Encode(tok, s, appendEos, chat)), t.ContextLength, t.Packing);
    }

    /// <summary>Measures perplexity on the validation, test and general sets in windows of the context length.</summary>
    public SpecializationEvaluator Evaluator(ITextTokenizer tok, ChatFormat? chat, int contextLength, int batchSize)
    {
        List<Perplexity.Window> Windows(IEnumerable<TextSample> samples) => Perplexity.WindowsOf(tok, samples, contextLength, chat: chat);
        return new SpecializationEvaluator(Windows(Split.Validation), Windows(Split.Test), Windows(General), batchSize);
    }

    private static IReadOnlyList<TextSample> ReplaySamples(FinetuneJobConfig config, int domainSamples)
    {
        if (config.ReplayFraction <= 0 || config.ReplayPath is null) return [];
        var pool = SampleReader.Read(config.ReplayPath, config.TextSplit);
        int wanted = (int)Math.Round(domainSamples * config.ReplayFraction / (1 - config.ReplayFraction));
        if (pool.Count < wanted)
            throw new MftException($"{config.ReplayPath}: {pool.Count} samples, but a replay fraction of {config.ReplayFraction} with {domainSamples} domain samples needs {wanted}");
        return Subsample(pool, wanted, config.Trainer.Seed + 1);
    }

    private static IReadOnlyList<TextSample> Subsample(IReadOnlyList<TextSample> samples, int? max, int seed)
    {
        if (max is not int m || samples.Count <= m) return samples;
        var order = Enumerable.Range(0, samples.Count).ToArray();
        new Random(seed).Shuffle(order);
        return order.Take(m).Order().Select(i => samples[i]).ToList();
    }
}
