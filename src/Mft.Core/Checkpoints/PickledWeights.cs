namespace Mft.Checkpoints;

/// <summary>
/// PyTorch's pickled weight files (<c>pytorch_model.bin</c>, <c>adapter_model.bin</c>, ...): refused wherever weights
/// are read, because unpickling can run code that the file carries. Mft reads safetensors only; the refusal names
/// the file and the one line of Python that converts it.
/// </summary>
public static class PickledWeights
{
    /// <summary>The first of <paramref name="names"/> present in <paramref name="directory"/>, or null.</summary>
    public static string? Find(string directory, params string[] names) =>
        names.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);

    /// <summary>The error for a folder that holds only pickled weights.</summary>
    public static MftException Refusal(string file, string conversion) => new(
        $"{file}: pickled PyTorch weights are refused, because loading them can execute code. " +
        $"Convert them once to safetensors in Python, e.g. `{conversion}`.");
}
