using System.Diagnostics;
using System.Globalization;

namespace Mft.Cluster;

/// <summary>
/// Marks a run folder as being worked on by one shard, so that two processes sharing an output folder (on a
/// cluster file system) never train the same run: <c>FOLDER.claim</c> beside the folder, created exclusively
/// (O_EXCL, atomic on local and NFS file systems), holding the shard, host and process. The same shard taking it
/// again (a rerun after a failed task) takes it over, and so does anyone when the process that wrote it ran on this
/// host and is gone; another live shard's claim is a clear error. Disposing removes it.
/// </summary>
public sealed class RunClaim : IDisposable
{
    private readonly string _path;

    private RunClaim(string path) => _path = path;

    public static string PathOf(string runDirectory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)) + ".claim";

    public static RunClaim Take(string runDirectory, Shard shard)
    {
        var path = PathOf(runDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var line = string.Join(' ', shard, Environment.MachineName, Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        try
        {
            using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            fs.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            return new RunClaim(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            var held = (File.ReadAllText(path).Trim() + "   ").Split(' ');
            var (heldShard, host) = (held[0], held[1]);
            bool here = host == Environment.MachineName;
            int pid = int.TryParse(held[2], out int p) ? p : -1;
            bool running = here && (pid == Environment.ProcessId || Alive(pid));
            bool ours = heldShard == shard.ToString() ? !here || pid == Environment.ProcessId || !running : here && !running;
            if (!ours)
                throw new MftException($"{path}: this run is claimed by shard {heldShard} (host {host}, pid {pid}{(running ? ", running" : "")}) and this process is shard {shard}: " +
                                       "two processes claim the same run (shards started with different N, or the same one twice?); if that process is no longer running, delete the claim file");
            Checkpoints.AtomicFile.WriteAllText(path, line + "\n");   // ours: a rerun of the same share, or a dead process on this host
            return new RunClaim(path);
        }
    }

    private static bool Alive(int pid)
    {
        if (pid <= 0) return false;
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    public void Dispose()
    {
        try { File.Delete(_path); } catch (IOException) { }
    }
}
