namespace Mft.Distributed;

/// <summary>The group of one process: the collectives do nothing.</summary>
public sealed class SingleProcess : IProcessGroup
{
    public static readonly SingleProcess Instance = new();

    private SingleProcess() { }

    public int Rank => 0;
    public int Size => 1;
    public void SumInPlace(Span<float> values) { }
    public void SumInPlace(Span<double> values) { }
    public void BroadcastFromRoot(Span<double> values) { }
    public void Barrier() { }

    public void Abort(string message, int exitCode)
    {
        Console.Error.WriteLine(message);
        Environment.Exit(exitCode);
    }
}
