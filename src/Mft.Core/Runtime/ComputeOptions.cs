namespace Mft.Runtime;

/// <summary>
/// Where a command computes and on how many threads: <c>device</c> and <c>threads</c>, the same keys, help and checks on
/// every command that runs a model (<c>mft train</c> declares the same two keys on its job record). A command that
/// cannot run on another device has neither, so <c>--device</c> there is an unknown option.
/// </summary>
public sealed record ComputeOptions
{
    public const string DeviceHelp = "cpu, cuda or cuda:N (CUDA needs the TorchSharp-cuda build)";
    public const string ThreadsHelp = "intra-op threads; 0 keeps libtorch's default";

    [Option("device", Help = DeviceHelp, Value = "DEVICE", Scope = OptionScope.Process)]
    public string Device { get; init; } = "cpu";
    [Option("threads", Help = ThreadsHelp, Scope = OptionScope.Process)]
    public int Threads { get; init; }

    public void Validate()
    {
        if (Threads < 0) throw new OptionException("threads", $"must be >= 0, got {Threads}");
    }

    /// <summary>Sets libtorch's threads (0 keeps its default).</summary>
    public void Apply() => TorchRuntime.SetThreads(Threads);
}
