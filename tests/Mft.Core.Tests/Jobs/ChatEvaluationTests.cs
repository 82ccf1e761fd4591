using System.Text.Json.Nodes;
using Mft.Chat;
using Mft.Data;
using Mft.Jobs;
using Mft.Models;
using Mft.Tests.Chat;
using Mft.Tests.Packaging;
using Mft.Tokenization;
using static TorchSharp.torch;

namespace Mft.Tests.Jobs;

/// <summary>
/// "messages" data is chat data wherever it is measured (<see cref="ChatData.IsChat"/>): mft perplexity and mft evaluate
/// render it with the model's chat template and score the assistant turns, as training does, instead of refusing it.
/// </summary>
public sealed class ChatEvaluationTests
{
    private static readonly ChatMessage[][] Conversations =
    [
        [new("user", "hi"), new("assistant", "yo")],
        [new("user", "x?"), new("assistant", "ok"), new("user", "y"), new("assistant", "no")],   // 50 tokens: one window of 64
    ];

    private static string ChatFile()
    {
        var path = Path.Combine(TempDir.Create("chat-eval"), "chat.jsonl");
        File.WriteAllLines(path, Conversations.Select(c => new JsonObject
        {
            ["messages"] = new JsonArray([.. c.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
        }.ToJsonString()));
        return path;
    }

    /// <summary>The reference: each conversation rendered by the template, its whole logits, the assistant tokens' NLL summed in double.</summary>
    private static (double Nll, long Tokens) Reference(string model)
    {
        using var m = PretrainedModel.Open(model);
        double nll = 0;
        long tokens = 0;
        using var _ = no_grad();
        foreach (var c in Conversations)
        {
            using var scope = NewDisposeScope();
            var encoded = ChatEncoder.Encode(m.Tokenizer, m.Chat!, c, "test");
            var logp = nn.functional.log_softmax(m.Model.Forward(tensor(encoded.Ids.Select(i => (long)i).ToArray(), [1, encoded.Ids.Length]))[0].to_type(ScalarType.Float64), -1);
            for (int i = 1; i < encoded.Ids.Length; i++)
                if (encoded.ScoreMask[i] == 1) { nll -= logp[i - 1, encoded.Ids[i]].item<double>(); tokens++; }
        }
        return (nll, tokens);
    }

    [Fact]
    public void Should_measure_the_perplexity_of_conversations_on_their_assistant_turns()
    {
        // Given a model with a chat template and a JSONL file of conversations
        var model = ChatDataTests.ChatModel();
        var data = ChatFile();
        // When mft perplexity's job measures it in one window per conversation
        var (result, documents) = PerplexityJob.Run(new PerplexityJobConfig { ModelDirectory = model, DataPath = data, ContextLength = 64 });
        // Then it scores what the reference scores, to the same NLL
        var (nll, tokens) = Reference(model);
        Assert.Equal(2, documents);
        Assert.Equal(tokens, result.Tokens);
        Assert.True(Math.Abs(result.TotalNll - nll) < 1e-4 * nll, $"{result.TotalNll} vs {nll}");
    }

    [Fact]
    public void Should_evaluate_a_tuned_model_on_conversations_as_a_fresh_mft()
    {
        // Given a model with a chat template and a JSONL file of conversations
        var model = ChatDataTests.ChatModel();
        var data = ChatFile();
        // When mft evaluate compares the model with itself on it
        var r = ExternalProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "mft.dll"), "evaluate", "--base", model, "--tuned", model, "--data", data,
            "--context", "64", "--threads", "1"], Repository.Root, TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["COLUMNS"] = "400" });
        // Then it measures it (S = 0) where it used to refuse the conversations
        Assert.True(r.ExitCode == 0, r.Describe());
        var (nll, tokens) = Reference(model);
        Assert.Contains(Math.Exp(nll / tokens).ToString("F3"), r.Output);
    }
}
