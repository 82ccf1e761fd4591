namespace Mft.Runs;

/// <summary>
/// Guards output folders: an existing, non-empty folder is only reused with --overwrite, or with --resume when it
/// holds a checkpoint (a run stopped before its first checkpoint is started again; a finished run is refused).
/// </summary>
public static class OutputFolder
{
    private enum Use { Create, Continue, Replace }

    /// <summary>Fails early, without changing anything, if <see cref="Prepare"/> would refuse the folder.</summary>
    public static void Check(string path, bool overwrite, bool resume) => Decide(path, overwrite, resume);

    /// <summary>Whether <see cref="Prepare"/> will delete what the folder holds (--overwrite, or a --resume with nothing to resume).</summary>
    public static bool Replaces(string path, bool overwrite, bool resume) => Decide(path, overwrite, resume) == Use.Replace;

    /// <summary>Creates the folder, empties it (--overwrite, or a resumed run that never reached a checkpoint), or keeps it to continue from its checkpoint.</summary>
    public static void Prepare(string path, bool overwrite, bool resume)
    {
        var use = Decide(path, overwrite, resume);
        if (use == Use.Continue) return;
        if (use == Use.Replace) Directory.Delete(path, true);
        try { Directory.CreateDirectory(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MftException($"{path}: cannot create the output folder ({e.Message})");
        }
    }

    private static Use Decide(string path, bool overwrite, bool resume)
    {
        if (File.Exists(path)) throw new MftException($"{path}: exists and is a file, not a folder");
        if (!Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any()) return Use.Create;
        if (resume)
        {
            if (new RunLayout(path).ResumableCheckpoint is not null) return Use.Continue;
            if (new RunLayout(path).IsFinished)
                throw new MftException($"{path}: this run has already finished ({RunLayout.ReportFile} exists); nothing to resume");
            return Use.Replace;   // stopped before its first checkpoint: start it again
        }
        return overwrite ? Use.Replace
            : throw MftException.NamingOptions($"{path}: already exists and is not empty; pass {{overwrite}} to replace it, or {{resume}} to continue its run");
    }
}
