namespace Mft.Training;

/// <summary>Guards output folders: an existing, non-empty folder is only reused with --overwrite or --resume.</summary>
public static class OutputFolder
{
    public static void Prepare(string path, bool overwrite, bool resume)
    {
        if (File.Exists(path)) throw new MftException($"{path}: exists and is a file, not a folder");
        bool nonEmpty = Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any();
        if (nonEmpty && resume)
        {
            if (TrainingCheckpoint.Find(path) is null) throw new MftException($"{path}: --resume given, but there is no checkpoint to resume from");
            return;
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
