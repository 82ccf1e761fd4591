using Mft.Data;
using Mft.Training;
using Mft.Jobs;

namespace Mft.Tests.Jobs;

public sealed class HeldOutValidationTests
{
    private static FinetuneJobConfig Config(string data, int seed) =>
        FinetuneJobConfig.OnCorpusDomain("model", data, "cats", domainTestSamples: 10, generalTestSamples: 6, "out", new TrainerConfig { Seed = seed });

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Should_draw_validation_sets_from_the_held_out_files_disjoint_from_unchanged_test_sets(int seed)
    {
        // Given the same job without and with validation sets from the held-out files
        var data = TinyCorpus.DataFolder();
        var plain = FinetuneData.Read(Config(data, seed));
        var withValidation = FinetuneData.Read(Config(data, seed) with { DomainValidationSamples = 5, GeneralValidationSamples = 4 });
        // Then the test sets and the training data are the same samples
        Assert.Equal(Texts(plain.Split.Test), Texts(withValidation.Split.Test));
        Assert.Equal(Texts(plain.General), Texts(withValidation.General));
        Assert.Equal(Texts(plain.Split.Train), Texts(withValidation.Split.Train));
        Assert.Empty(plain.Split.Validation);
        Assert.Empty(plain.GeneralValidation);
        // and the validation sets have the sizes asked for, from the held-out files, sharing no sample with the tests (a sample's source is file:line)
        Assert.Equal(5, withValidation.Split.Validation.Count);
        Assert.Equal(4, withValidation.GeneralValidation.Count);
        Assert.All(withValidation.Split.Validation, s => Assert.StartsWith(CorpusLayout.DomainTest(data, "cats") + ":", s.Source));
        Assert.All(withValidation.GeneralValidation, s => Assert.StartsWith(CorpusLayout.GeneralTest(data) + ":", s.Source));
        Assert.Empty(withValidation.Split.Validation.Select(s => s.Source).Intersect(withValidation.Split.Test.Select(s => s.Source)));
        Assert.Empty(withValidation.GeneralValidation.Select(s => s.Source).Intersect(withValidation.General.Select(s => s.Source)));
    }

    [Fact]
    public void Should_refuse_more_held_out_samples_than_the_file_has_naming_it()
    {
        var data = TinyCorpus.DataFolder();
        var e = Assert.Throws<MftException>(() => FinetuneData.Read(Config(data, 0) with { GeneralValidationSamples = 7 }));
        Assert.Contains(CorpusLayout.GeneralTest(data), e.Message);
        Assert.Contains("6 test and 7 validation", e.Message);
    }

    private static List<string> Texts(IEnumerable<TextSample> samples) => [.. samples.Select(s => s.Source)];
}
