using Mft.Adapters;
using Mft.Export.Gguf;
using Mft.Generation;
using Mft.Models;
using Mft.Tests.Reference;
using Mft.Tokenization;

namespace Mft.Tests.Export;

/// <summary>mft export as a command: adapters merged, outputs never overwritten silently, the Modelfile, the README's snippet.</summary>
public sealed class GgufExportTests(GgufExportFixture fx) : IClassFixture<GgufExportFixture>
{
    [Fact]
    public void Should_export_a_model_with_its_adapter_as_the_merged_model()
    {
        // Given a random model with a random LoRA adapter saved in PEFT's format, and the same adapter merged by mft merge
        var dir = GgufArchitectureTests.RandomModelDirectory(TinyModels.LlamaJson(vocab: 4096), "adapter-base");
        var adapter = Path.Combine(TempDir.Create("gguf-adapter"), "adapter");
        using (var model = ModelFactory.FromPretrained(dir))
        {
            var config = new AdapterConfig { Kind = AdapterKind.Lora, Rank = 4, Alpha = 8 };
            ModelAdapters.Attach(model, config);
            using (TorchSharp.torch.no_grad())
                foreach (var (name, p) in model.named_parameters().Where(p => p.name.Contains("lora_")))
                    p.normal_(0, 0.2);
            PeftAdapterFiles.Save(model, config, adapter);
        }
        var merged = Path.Combine(TempDir.Create("gguf-merged"), "merged");
        AdapterMerge.Run(dir, adapter, merged, overwrite: false);

        // When both are exported
        var withAdapter = Path.Combine(TempDir.Create("gguf-a"), "a.gguf");
        var fromMerged = Path.Combine(TempDir.Create("gguf-m"), "m.gguf");
        GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, AdapterDirectory = adapter, OutputFile = withAdapter, FileType = GgufFileType.F32 });
        GgufExport.Run(new GgufExportOptions { ModelDirectory = merged, OutputFile = fromMerged, FileType = GgufFileType.F32 });

        // Then llama.cpp computes the same logits from both, and not the base model's
        int[] ids = [4095, 489, 1773, 277, 260, 868];
        float[][] Logits(string file) { using var l = new LlamaCpp(file, 32, f32Cache: true); return l.Logits(ids); }
        var a = Logits(withAdapter);
        var m = Logits(fromMerged);
        for (int t = 0; t < ids.Length; t++) Assert.Equal(m[t], a[t]);
        var plain = Path.Combine(TempDir.Create("gguf-p"), "p.gguf");
        GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = plain, FileType = GgufFileType.F32 });
        Assert.NotEqual(Logits(plain)[^1], a[^1]);
    }

    [Fact]
    public void Should_refuse_to_overwrite_and_leave_nothing_behind_on_errors()
    {
        var dir = TempDir.Create("gguf-out");
        var file = Path.Combine(dir, "m.gguf");
        File.WriteAllText(file, "keep me");

        var e = Assert.Throws<MftException>(() => GgufExport.Run(new GgufExportOptions { ModelDirectory = fx.BaseModel, OutputFile = file }));
        Assert.Contains(file, e.Message);
        Assert.Contains("pass overwrite", e.Message);   // the option, named by its key (mft prints --overwrite)
        Assert.Equal("keep me", File.ReadAllText(file));

        var wrongName = Assert.Throws<OptionException>(() => GgufExport.Run(new GgufExportOptions { ModelDirectory = fx.BaseModel, OutputFile = Path.Combine(dir, "m.bin") }));
        Assert.Contains(".gguf", wrongName.Message);
        Assert.Equal(["m.gguf"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_refuse_a_gemma3_layer_pattern_llama_cpp_does_not_run()
    {
        // Given Gemma 3 with sliding_window_pattern 2 (llama.cpp fixes the pattern at 6)
        var dir = GgufArchitectureTests.RandomModelDirectory(TinyModels.Gemma3Json(vocab: 4096), "gemma-pattern");

        var e = Assert.Throws<MftException>(() => GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = Path.Combine(dir, "g.gguf") }));

        Assert.Contains("config.json", e.Message);
        Assert.Contains("sliding_window_pattern", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "g.gguf")));
    }

    [Fact]
    public void Should_write_an_ollama_modelfile_in_go_template_syntax_for_chatml()
    {
        // Given a model whose chat template uses ChatML turns
        var dir = GgufArchitectureTests.RandomModelDirectory(TinyModels.LlamaJson(vocab: 4096), "chatml");
        File.WriteAllText(Path.Combine(dir, "chat_template.jinja"),
            "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}");
        var file = Path.Combine(TempDir.Create("gguf-ollama"), "chat.gguf");

        // When exported
        var result = GgufExport.Run(new GgufExportOptions { ModelDirectory = dir, OutputFile = file });

        // Then the Modelfile points at the file, renders turns in Ollama's syntax and stops at the end of a turn
        var text = File.ReadAllText(result.Modelfile!);
        Assert.Contains("FROM ./chat.gguf", text);
        Assert.Contains("{{- range .Messages }}<|im_start|>{{ .Role }}", text);
        Assert.Contains("PARAMETER stop \"<|im_end|>\"", text);
        Assert.Contains("PARAMETER stop \"<|endoftext|>\"", text);
        // and the GGUF carries the Jinja template itself
        using var llama = new LlamaCpp(file, 32);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "chat_template.jinja")), llama.Metadata("tokenizer.chat_template"));
    }

    [Fact]
    public async Task Should_run_the_readme_snippet_as_mft_generates()
    {
        // Given the README's LLamaSharp snippet, character for character the code compiled here
        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(fx.BaseModel))!, "README.md"));
        var source = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(fx.BaseModel))!, "tests", "Mft.Core.Tests", "Export", "DeploySnippet.cs");
        Assert.Contains(DeploySnippet.Text(source), readme.Replace("\r\n", "\n"));

        // When it continues a prompt with the exported model
        var text = await DeploySnippet.ContinueAsync(fx.File("tuned", GgufFileType.F32), "And the LORD said unto");

        // Then it writes what mft generate writes greedily
        using var mft = PretrainedModel.Open(fx.TunedModel);
        var ids = TextGenerator.Generate(mft.Model, mft.Tokenizer.EncodeForModel("And the LORD said unto"),
            new GenerationOptions { Temperature = 0, MaxNewTokens = 32 }, mft.EosIds);
        Assert.Equal(mft.Tokenizer.Decode(ids), text);
    }

    [Fact]
    public void Should_export_from_the_command_line_and_refuse_unknown_options()
    {
        var file = Path.Combine(TempDir.Create("gguf-cli"), "base.gguf");
        Assert.Equal(0, Mft.Cli.MftApp.Run(["export", "--model", fx.BaseModel, "--out", file, "--dtype", "q8_0"]));
        Assert.True(File.Exists(file));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, "Modelfile")));
        Assert.NotEqual(0, Mft.Cli.MftApp.Run(["export", "--model", fx.BaseModel, "--out", file, "--dtyp", "f16"]));
        Assert.Equal(2, Mft.Cli.MftApp.Run(["export", "--model", fx.BaseModel, "--out", file + "2.gguf", "--dtype", "q4"]));
    }
}
