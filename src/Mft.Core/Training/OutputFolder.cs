namespace Mft.Training;

/// <summary>
/// Guards output folders: an existing, non-empty folder is only reused with --overwrite, or with --resume when it
/// holds a checkpoint (a run stopped before its first checkpoint is started again; a finished run is refused).
/// </summary>
public static class OutputFolder
{
    /// <summary>Fails early, without changing anything, if <see cref="Prepare"/> would refuse the folder.</summary>
    public static void Check(string path, bool overwrite, bool resume)
    {
        if (File.Exists(path)) throw new MftException($"{path}: exists and is a file, not a folder");
        bool nonEmpty = Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any();
        if (!nonEmpty || overwrite) return;
        if (resume && TrainingCheckpoint.Find(path) is not null) return;
        if (resume && File.Exists(Path.Combine(path, "report.json")))
            throw new MftException($"{path}: this run has already finished (report.json exists); nothing to resume");
        if (!resume)
            throw new MftException($"{path}: already exists and is not empty; pass --overwrite to replace it, or --resume to continue its run");
    }

    public static void Prepare(string path, bool overwrite, bool resume)
    {
        if (File.Exists(path)) throw new MftException($"{path}: exists and is a file, not a folder");
        bool nonEmpty = Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any();
        if (nonEmpty && resume)
        {
            if (TrainingCheckpoint.Find(path) is not null) return;
            if (File.Exists(Path.Combine(path, "report.json")))
                throw new MftException($"{path}: this run has already finished (report.json exists); nothing to resume");
            overwrite = true;   // stopped before its first checkpoint: start it again
        }
        if (nonEmpty && !overwrite)
            throw new MftException($"{path}: already exists and is not empty; pass --overwrite to replace it, or --resume to continue its run");
        if (nonEmpty) Directory.Delete(path, true);
        try { Directory.CreateDirectory(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MftException($"{path}: cannot create the output folder ({e.Message})");
        }
    }
}
