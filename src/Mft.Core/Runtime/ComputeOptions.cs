namespace Mft.Runtime;

/// <summary>
/// Where a command computes, on how many threads and in which precision: <c>device</c>, <c>threads</c> and
/// <c>precision</c>, the same keys, help and checks on every command that runs a model (<c>mft train</c> declares the
/// same keys on its job and trainer records). A command that cannot run on another device has none of them, so
/// <c>--device</c> there is an unknown option.
/// </summary>
public sealed record ComputeOptions
{
    public const string DeviceHelp = "cpu, cuda or cuda:N (CUDA needs the TorchSharp-cuda build)";
    public const string ThreadsHelp = "intra-op threads; 0 keeps libtorch's default";
    public const string PrecisionHelp = "fp32; bf16: matrix products in bf16 as PyTorch's CPU autocast (weights, gradients, optimizer, norms, softmax and loss stay fp32); auto: bf16 where the CPU has avx512_bf16 or amx_bf16, else fp32";

    [Option("device", Help = DeviceHelp, Value = "DEVICE", Scope = OptionScope.Process)]
    public string Device { get; init; } = "cpu";
    [Option("threads", Help = ThreadsHelp, Scope = OptionScope.Process)]
    public int Threads { get; init; }
    /// <summary>
    /// The arithmetic of the model's forward passes (<see cref="Models.Layers.Autocast"/>): bf16 products change a
    /// perplexity in its last digits (docs/performance.md), so fp32 is the default.
    /// </summary>
    [Option("precision", Help = PrecisionHelp)]
    public Precision Precision { get; init; } = Precision.Fp32;

    public void Validate()
    {
        if (Threads < 0) throw new OptionException("threads", $"must be >= 0, got {Threads}");
        if (!Enum.IsDefined(Precision)) throw new OptionException("precision", $"{(int)Precision} is not a precision");
    }

    /// <summary>Sets libtorch's threads (0 keeps its default).</summary>
    public void Apply() => TorchRuntime.SetThreads(Threads);

    /// <summary>
    /// Whether the model's products run in bf16: <see cref="Precision"/> resolved on this CPU
    /// (<see cref="PrecisionChoice.Resolve(Runtime.Precision, Action{string}?)"/>: auto says which it chose through
    /// <paramref name="say"/>, and an explicit bf16 without native bf16 warns).
    /// </summary>
    public bool Bf16(Action<string>? say) => PrecisionChoice.Resolve(Precision, say) == Precision.Bf16;
}
