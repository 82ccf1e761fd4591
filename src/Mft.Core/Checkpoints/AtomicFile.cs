namespace Mft.Checkpoints;

/// <summary>Writes a file under a temporary name, flushes it to disk, then renames it over the target.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<FileStream> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        // process id and a random part: shards on different hosts of a shared file system may share a pid
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException e)
        {
            TryDelete(tmp);
            throw new MftException($"{path}: could not write ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            TryDelete(tmp);
            throw new MftException($"{path}: permission denied ({e.Message})", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, fs => fs.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    private static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
