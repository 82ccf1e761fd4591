using System.Text;
using LLama;
using LLama.Common;
using LLama.Sampling;

namespace Mft.Tests.Export;

/// <summary>
/// The README's "Deploy" snippet: loading an exported GGUF in LLamaSharp. The lines between the markers are the
/// README's code block, character for character (<see cref="GgufExportTests"/> checks that), so the README shows code
/// that compiles and runs.
/// </summary>
public static class DeploySnippet
{
    public static async Task<string> ContinueAsync(string modelPath, string prompt)
    {
        // README begin
        var parameters = new ModelParams(modelPath) { ContextSize = 512 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        var executor = new StatelessExecutor(weights, parameters);
        var inference = new InferenceParams { MaxTokens = 32, SamplingPipeline = new GreedySamplingPipeline() };
        var text = new StringBuilder();
        await foreach (var piece in executor.InferAsync(prompt, inference))
            text.Append(piece);
        // README end
        return text.ToString();
    }

    /// <summary>The snippet's lines without their indentation, as the README shows them.</summary>
    public static string Text(string sourceFile)
    {
        var lines = File.ReadAllLines(sourceFile);
        int begin = Array.FindIndex(lines, l => l.Trim() == "// README begin"), end = Array.FindIndex(lines, l => l.Trim() == "// README end");
        return string.Join("\n", lines[(begin + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
    }
}
