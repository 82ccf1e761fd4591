using System.Text.Json;
using Mft.Objectives;
using static TorchSharp.torch;

namespace Mft.Tests.Objectives;

/// <summary>
/// Checks the correction and loss against float64 reference vectors written by an independent PyTorch
/// implementation of the same rule (../shared/peers/pytorch_bench.py --golden, ModelOpt MFTLoss semantics).
/// Both add 1e-7 to the correction's denominators, so agreement is to float64 rounding.
/// </summary>
public sealed class GoldenVectorTests
{
    static GoldenVectorTests() => Mft.Runtime.TorchRuntime.EnsureInitialized();

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Load().RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonDocument Load() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "mft_golden.json")));

    private static Tensor Matrix(JsonElement e) =>
        tensor(e.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(x => x.GetDouble())).ToArray(),
            [e.GetArrayLength(), e[0].GetArrayLength()], ScalarType.Float64);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Should_match_the_independent_reference(string name)
    {
        using var doc = Load();
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        double tau = c.GetProperty("tau").GetDouble();
        var teacher = Matrix(c.GetProperty("teacher_logits"));
        var student = Matrix(c.GetProperty("student_logits"));
        var labels = tensor(c.GetProperty("labels").EnumerateArray().Select(x => x.GetInt64()).ToArray());
        var logP = nn.functional.log_softmax(teacher, -1);
        // When
        var r = TauCorrection.Compute(logP, labels, tau);
        var q = TauCorrection.Distribution(logP, labels, r.Mix);
        var perToken = CorrectedDistillationLoss.PerToken(student, logP, labels, r.Mix, 1.0);
        // Then
        var expectedLam = c.GetProperty("lam").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var expectedKl = c.GetProperty("kl_per_token").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var kinds = c.GetProperty("token_kind").EnumerateArray().Select(x => x.GetString()).ToArray();
        for (int i = 0; i < expectedLam.Length; i++)
        {
            Assert.Equal(expectedLam[i], r.Mix[i].item<double>(), 1e-10);
            Assert.Equal(expectedKl[i], perToken[i].item<double>(), 1e-10);
            Assert.Equal(kinds[i] == "wrong", r.ArgmaxWrong[i].item<bool>());
        }
        Assert.True((q - Matrix(c.GetProperty("q"))).abs().max().item<double>() < 1e-10);
        Assert.Equal(c.GetProperty("kl_batchmean").GetDouble(), perToken.mean().item<double>(), 1e-10);
    }
}
