using Mft.Runtime;

namespace Mft.Tests.Runtime;

public sealed class PrecisionChoiceTests
{
    private static string CpuInfo(string flags)
    {
        var path = Path.Combine(TempDir.Create("cpuinfo"), "cpuinfo");
        File.WriteAllText(path, $"processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n");
        return path;
    }

    [Theory]
    [InlineData("fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni", "avx512_bf16")]
    [InlineData("fpu sse2 avx2 amx_tile amx_bf16 amx_int8", "amx_bf16")]
    [InlineData("fpu sse2 avx2 avx512f avx512_vnni", null)]
    public void Should_find_native_bf16_among_the_cpu_flags(string flags, string? expected) =>
        Assert.Equal(expected, PrecisionChoice.NativeFlagIn(CpuInfo(flags)));

    [Fact]
    public void Should_read_no_flag_from_a_missing_cpuinfo() =>
        Assert.Null(PrecisionChoice.NativeFlagIn(Path.Combine(TempDir.Create("no-cpuinfo"), "cpuinfo")));

    [Fact]
    public void Should_choose_bf16_for_auto_only_with_native_bf16_and_say_which()
    {
        var said = new List<string>();
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Auto, said.Add, "avx512_bf16"));
        Assert.Equal(Precision.Fp32, PrecisionChoice.Resolve(Precision.Auto, said.Add, null));
        Assert.Equal(["precision auto: bf16 (this CPU has avx512_bf16)",
            "precision auto: fp32 (this CPU has no native bf16: neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo)"], said);
    }

    [Fact]
    public void Should_keep_an_explicit_choice_and_warn_with_a_measured_factor_when_bf16_is_not_native()
    {
        var said = new List<string>();
        Assert.Equal(Precision.Fp32, PrecisionChoice.Resolve(Precision.Fp32, said.Add, null));
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Bf16, said.Add, "avx512_bf16"));
        Assert.Empty(said);
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Bf16, said.Add, null));
        var warning = Assert.Single(said);
        Assert.StartsWith("warning: precision bf16 on a CPU without native bf16", warning);
        Assert.Matches(@"measured \d+\.\dx slower in bf16 than in fp32", warning);
    }

    [Fact]
    public void Should_name_the_option_values_as_users_write_them() =>
        Assert.Equal(["fp32", "bf16", "auto"], EnumOption.Names<Precision>());
}
