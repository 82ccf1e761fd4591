using Mft.Cli;
using Mft.Models;

namespace Mft.Tests.Cli;

[Collection("console")]
public sealed class CliTests
{
    private static string TinyModelDirectory()
    {
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        var dir = TempDir.Create("cli-model");
        ModelFactory.Save(model, dir);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), TinyTokenizers.TemplateBosJson);
        return dir;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (MftApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Fact]
    public void Should_generate_greedily_from_a_model_directory()
    {
        var dir = TinyModelDirectory();
        var (code, output, err) = Run("generate", "--model", dir, "--prompt", "ab", "--temperature", "0", "--max-new-tokens", "5", "--ids");
        Assert.True(code == 0, err);
        Assert.Contains("prompt ids: 0 4", output);     // bos from the template, then "ab"
        Assert.Contains("generated ids:", output);
    }

    [Fact]
    public void Should_compute_perplexity_of_a_text_file()
    {
        var dir = TinyModelDirectory();
        var data = Path.Combine(dir, "data.txt");
        File.WriteAllText(data, "abab ab\n\nba ab ab");
        var (code, _, err) = Run("perplexity", "--model", dir, "--data", data);
        Assert.True(code == 0, err);
    }

    [Theory]
    [InlineData("generate", "--model", "/nonexistent/model", "--prompt", "x")]
    [InlineData("perplexity", "--model", "/nonexistent/model", "--data", "/nonexistent/data.txt")]
    public void Should_fail_with_one_clear_message_and_no_stack_trace(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains("/nonexistent/", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Should_refuse_cuda_on_the_cpu_build_naming_the_build_switch()
    {
        var dir = TinyModelDirectory();
        var (code, _, err) = Run("generate", "--model", dir, "--prompt", "ab", "--device", "cuda");
        Assert.Equal(2, code);
        Assert.Contains("error: --device cuda: this build uses TorchSharp-cpu", err);
        Assert.Contains("-p:TorchBackend=cuda", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Should_print_the_mft_torchsharp_and_libtorch_versions()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(Mft.Runtime.VersionInfo.Describe() + Environment.NewLine, output);
        Assert.Contains("TorchSharp 0.107.0 (cpu backend)", output);
    }
}
