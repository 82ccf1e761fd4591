using Mft.Runtime;
using Mft.Tokenization;

namespace Mft.Models;

/// <summary>A model directory opened for use: its weights and its tokenizer, checked to belong together.</summary>
public sealed class PretrainedModel : IDisposable
{
    public string Directory { get; }
    public CausalLM Model { get; }
    public ITextTokenizer Tokenizer { get; }

    private readonly Lazy<Chat.ChatFormat?> _chat;

    /// <summary>
    /// The model's chat format (or the template file given to <see cref="Open"/>), read when first asked for, so
    /// that a template Mft cannot render only matters to conversations. Null when the model has no template.
    /// </summary>
    public Chat.ChatFormat? Chat => _chat.Value;

    private PretrainedModel(string directory, CausalLM model, ITextTokenizer tokenizer, string? chatTemplateFile)
    {
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
        _chat = new Lazy<Chat.ChatFormat?>(() => Mft.Chat.ChatFormat.Load(directory, chatTemplateFile));
    }

    public static PretrainedModel Open(string directory, string device = "cpu", string? chatTemplateFile = null)
    {
        var dev = TorchRuntime.ResolveDevice(device);
        var model = ModelFactory.FromPretrained(directory, dev);
        try
        {
            var tokenizer = TokenizerFactory.Load(directory, model.Config.VocabSize);
            return new PretrainedModel(directory, model, tokenizer, chatTemplateFile);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Token ids at which generation stops: the tokenizer's eos and config.json's eos_token_id(s).</summary>
    public IReadOnlyCollection<int> EosIds =>
        Model.Config.EosTokenIds.Concat(Tokenizer.Special.EosId is int e ? [e] : []).ToHashSet();

    public void Dispose()
    {
        Model.Dispose();
        Tokenizer.Dispose();
    }
}
