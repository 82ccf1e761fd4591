using System.Text;
using Mft.Checkpoints;
using Mft.Models;
using static TorchSharp.torch;

namespace Mft.Tests.Checkpoints;

public sealed class SafetensorsTests
{
    private static string WriteFile(string name, params (string, Tensor)[] tensors)
    {
        var path = Path.Combine(TempDir.Create("st"), name);
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    /// <summary>Builds a safetensors file by hand: 8-byte length, header text, data bytes.</summary>
    private static string RawFile(string header, int dataBytes, ulong? declaredLength = null)
    {
        var path = Path.Combine(TempDir.Create("st-raw"), "model.safetensors");
        var h = Encoding.UTF8.GetBytes(header);
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes(declaredLength ?? (ulong)h.Length));
        fs.Write(h);
        fs.Write(new byte[dataBytes]);
        return path;
    }

    [Fact]
    public void Should_roundtrip_f32_bit_exact()
    {
        // Given values including NaN payloads, infinities, denormals and negative zero
        Mft.Runtime.TorchRuntime.EnsureInitialized();
        var a = randn(3, 5);
        var special = tensor(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, 1e-45f, float.MaxValue });
        var path = WriteFile("x.safetensors", ("a", a), ("b.special", special), ("empty", zeros(0, 4)));
        // When
        using var reader = new SafetensorsReader(path);
        // Then
        Assert.Equal(a.bytes.ToArray(), reader.Load("a").bytes.ToArray());
        Assert.Equal(special.bytes.ToArray(), reader.Load("b.special").bytes.ToArray());
        Assert.Equal(new long[] { 0, 4 }, reader.Load("empty").shape);
        Assert.Equal("F32", reader.Tensors["a"].DType);
    }

    [Fact]
    public void Should_read_f16_and_bf16_and_cast_on_load_into_a_model()
    {
        Mft.Runtime.TorchRuntime.EnsureInitialized();
        var x = tensor(new[] { 1.5f, -2.25f, 0.125f });
        var path = WriteFile("h.safetensors", ("h", x.to_type(ScalarType.Float16)), ("b", x.to_type(ScalarType.BFloat16)));
        using var reader = new SafetensorsReader(path);
        Assert.Equal("F16", reader.Tensors["h"].DType);
        Assert.Equal("BF16", reader.Tensors["b"].DType);
        Assert.True(reader.Load("h").to_type(ScalarType.Float32).equal(x).all().item<bool>());
        Assert.True(reader.Load("b").to_type(ScalarType.Float32).equal(x).all().item<bool>());
    }

    [Theory]
    [InlineData("{not json", 0, null, "not valid JSON")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, null, "truncated")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, null, "need 12")]
    [InlineData("""{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", 8, null, "unsupported dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, null, "overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, null, "invalid data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", 8, null, "malformed")]
    [InlineData("""{}""", 0, 1_000_000UL, "runs past the end")]
    public void Should_reject_corrupt_files_naming_file_and_problem(string header, int dataBytes, ulong? declared, string expected)
    {
        var path = RawFile(header, dataBytes, declared);
        var e = Assert.Throws<MftException>(() => new SafetensorsReader(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Should_read_a_file_through_a_symbolic_link_as_the_hugging_face_cache_lays_weights_out()
    {
        // Given a weight file in blobs/ and a snapshot folder whose model.safetensors links to it (huggingface_hub's cache)
        var x = tensor(new[] { 1.5f, -2.25f, 0.125f, 7f });
        var blob = WriteFile("blob-0123abcd", ("w", x));
        var snapshot = Path.Combine(TempDir.Create("st-snapshot"), "model.safetensors");
        File.CreateSymbolicLink(snapshot, blob);
        Assert.True(new FileInfo(snapshot).Length < new FileInfo(blob).Length);   // the link's own size, which the reader once used
        // When
        using var reader = new SafetensorsReader(snapshot);
        // Then
        Assert.True(reader.Load("w").equal(x).all().item<bool>());
    }

    [Fact]
    public void Should_reject_a_file_shorter_than_its_length_prefix()
    {
        var path = Path.Combine(TempDir.Create("st-short"), "model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<MftException>(() => new SafetensorsReader(path).Dispose());
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void Should_save_and_reload_a_model_with_identical_logits()
    {
        // Given
        using var model = TinyModels.Random(TinyModels.LlamaJson(tied: false));
        var dir = TempDir.Create("model-rt");
        // When
        ModelFactory.Save(model, dir);
        using var loaded = ModelFactory.FromPretrained(dir);
        // Then
        using var _ = no_grad();
        var ids = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        Assert.True(model.Forward(ids).equal(loaded.Forward(ids)).all().item<bool>());
        Assert.Equal("LlamaForCausalLM", System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!["architectures"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Should_reject_a_checkpoint_whose_shapes_contradict_the_config()
    {
        // Given weights saved for hidden 32, and a config that says 48
        using var model = TinyModels.Random(TinyModels.LlamaJson());
        var dir = TempDir.Create("model-shape");
        ModelFactory.Save(model, dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), TinyModels.LlamaJson(hidden: 48));
        // Then
        var e = Assert.Throws<MftException>(() => ModelFactory.FromPretrained(dir).Dispose());
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("has shape", e.Message);
    }

    [Fact]
    public void Should_load_sharded_checkpoints_and_report_a_missing_shard()
    {
        // Given a model split by hand into two shards with an index
        using var model = TinyModels.Random(TinyModels.Gpt2Json());
        var dir = TempDir.Create("sharded");
        File.WriteAllText(Path.Combine(dir, "config.json"), TinyModels.Gpt2Json());
        var all = TinyModels.Weights(model).ToList();
        var first = all.Take(all.Count / 2).ToList();
        var second = all.Skip(all.Count / 2).ToList();
        SafetensorsWriter.Write(Path.Combine(dir, "model-00001-of-00002.safetensors"), first.Select(kv => (kv.Key, kv.Value)));
        SafetensorsWriter.Write(Path.Combine(dir, "model-00002-of-00002.safetensors"), second.Select(kv => (kv.Key, kv.Value)));
        var map = first.Select(kv => $"\"{kv.Key}\": \"model-00001-of-00002.safetensors\"")
            .Concat(second.Select(kv => $"\"{kv.Key}\": \"model-00002-of-00002.safetensors\""));
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), $"{{\"metadata\": {{}}, \"weight_map\": {{{string.Join(",", map)}}}}}");
        // When
        using (var loaded = ModelFactory.FromPretrained(dir))
        using (no_grad())
        {
            var ids = tensor(new long[] { 5, 6, 7 }).unsqueeze(0);
            Assert.True(model.Forward(ids).equal(loaded.Forward(ids)).all().item<bool>());
        }
        // Then a missing shard is named
        File.Delete(Path.Combine(dir, "model-00002-of-00002.safetensors"));
        var e = Assert.Throws<MftException>(() => ModelFactory.FromPretrained(dir).Dispose());
        Assert.Contains("model-00002-of-00002.safetensors", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Should_refuse_pickled_pytorch_weights_with_conversion_advice()
    {
        var dir = TempDir.Create("pickle");
        File.WriteAllText(Path.Combine(dir, "config.json"), TinyModels.Gpt2Json());
        File.WriteAllBytes(Path.Combine(dir, "pytorch_model.bin"), [0x80, 0x02]);
        var e = Assert.Throws<MftException>(() => ModelFactory.FromPretrained(dir).Dispose());
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("safetensors", e.Message);
    }

    [Fact]
    public void Should_accept_gpt2_keys_without_transformer_prefix_and_ignore_mask_buffers()
    {
        // Given a GPT-2 file in the original layout: no "transformer." prefix, plus attn.bias buffers
        using var model = TinyModels.Random(TinyModels.Gpt2Json());
        var dir = TempDir.Create("gpt2-old");
        File.WriteAllText(Path.Combine(dir, "config.json"), TinyModels.Gpt2Json());
        var entries = TinyModels.Weights(model).Select(kv => (kv.Key.Replace("transformer.", ""), kv.Value)).ToList();
        entries.Add(("h.0.attn.bias", ones(1, 1, 64, 64)));
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), entries);
        // When
        using var loaded = ModelFactory.FromPretrained(dir);
        using var _ = no_grad();
        var ids = tensor(new long[] { 1, 9 }).unsqueeze(0);
        // Then
        Assert.True(model.Forward(ids).equal(loaded.Forward(ids)).all().item<bool>());
    }
}
