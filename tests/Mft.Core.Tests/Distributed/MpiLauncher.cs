using System.Diagnostics;
using Mft.Checkpoints;
using Mft.Tests.Packaging;

namespace Mft.Tests.Distributed;

/// <summary>
/// Runs the built <c>mft</c> as fresh processes: alone, or as the ranks of a real OpenMPI job (<c>mpirun -n N</c>, as root
/// with <c>--allow-run-as-root</c>, <c>--oversubscribe</c> for more ranks than cores). scripts/test.sh installs openmpi-bin.
/// </summary>
public static class MpiLauncher
{
    public static string MftDll => Path.Combine(AppContext.BaseDirectory, "mft.dll");

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string Mpirun =>
        new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mpirun not found: these tests need OpenMPI (apt-get install openmpi-bin; scripts/test.sh installs it)");

    /// <summary><c>mft ARGS</c> in one process, MPI switched off.</summary>
    public static ExternalProcess.Result Alone(IEnumerable<string> args) =>
        ExternalProcess.Run("dotnet", [MftDll, .. args], AppContext.BaseDirectory, Timeout, new Dictionary<string, string> { ["MFT_MPI"] = "0" });

    /// <summary><c>mpirun -n RANKS mft ARGS</c>.</summary>
    public static ExternalProcess.Result Ranks(int ranks, IEnumerable<string> args) =>
        ExternalProcess.Run(Mpirun, [.. MpirunArguments(ranks), "dotnet", MftDll, .. args], AppContext.BaseDirectory, Timeout);

    public static string[] MpirunArguments(int ranks) => ["--allow-run-as-root", "--oversubscribe", "-n", ranks.ToString(), "--bind-to", "none"];

    /// <summary>The run's weights as (name, bytes), from the model folder or the adapter folder.</summary>
    public static Dictionary<string, byte[]> Weights(string outDir)
    {
        var file = new[] { Path.Combine(outDir, "model", "model.safetensors"), Path.Combine(outDir, "adapter", "adapter_model.safetensors") }.First(File.Exists);
        using var reader = new SafetensorsReader(file);
        return reader.Tensors.Keys.ToDictionary(k => k, k => { using var t = reader.Load(k); return t.bytes.ToArray(); });
    }

    /// <summary>The run's weights as floats.</summary>
    public static Dictionary<string, float[]> Floats(string outDir) =>
        Weights(outDir).ToDictionary(p => p.Key, p => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(p.Value).ToArray());

    public static void Succeeded(ExternalProcess.Result r, string what) => Assert.True(r.ExitCode == 0, $"{what}: {r.Describe()}");

    /// <summary>Starts <c>mpirun -n RANKS mft ARGS</c> without waiting (output discarded).</summary>
    public static Process Start(int ranks, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Mpirun) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[.. MpirunArguments(ranks), "dotnet", MftDll, .. args]) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>The pid of the rank <paramref name="rank"/> process among the descendants of <paramref name="launcher"/>; null while there is none.</summary>
    public static int? RankProcess(int launcher, int rank)
    {
        foreach (var pid in Descendants(launcher))
        {
            try
            {
                var environ = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
                if (environ.Contains($"OMPI_COMM_WORLD_RANK={rank}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("mft.dll")) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var file = Path.Combine(task, "children");
                if (File.Exists(file)) children.AddRange(File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        foreach (var c in children)
        {
            yield return c;
            foreach (var d in Descendants(c)) yield return d;
        }
    }
}
