using System.Globalization;
using System.Text.RegularExpressions;
using Mft.Checkpoints;
using Mft.Cluster;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// A teacher cache computed in shares of the training rows (<c>mft teacher-cache --shard K/N</c>), one file per
/// share beside the cache: <c>teacher_cache.shardKofN.safetensors</c>, each holding its rows' per-position tensors
/// (first dimension: positions) with the cache's kind, its parameters, the fingerprint of the whole cache and the
/// rows it covers. The run that needs the cache joins them: every share present, same kind, fingerprint and
/// parameters, rows contiguous from the first to the last. The kind (top-k today) is a name and a set of tensors;
/// the join does not look inside them.
/// </summary>
public static class TeacherCacheShards
{
    public const string Format = "mft-teacher-cache-shard-1";

    /// <summary>The per-position tensors of all shares in row order, and the kind's parameters. Disposing frees the tensors.</summary>
    public sealed record Joined(Dictionary<string, Tensor> Positions, IReadOnlyDictionary<string, string> Parameters, int Shards) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Positions.Values) t.Dispose();
        }
    }

    public static string PathOf(string cachePath, Shard shard) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cachePath))!, $"{Path.GetFileNameWithoutExtension(cachePath)}.shard{shard.Index}of{shard.Count}{Path.GetExtension(cachePath)}");

    public static void Save(string cachePath, Shard shard, string kind, string fingerprint, int firstRow, int rows, int totalRows,
        IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, Tensor> positions)
    {
        var metadata = new Dictionary<string, string>(parameters)
        {
            ["format"] = Format, ["kind"] = kind, ["fingerprint"] = fingerprint, ["shard"] = shard.ToString(),
            ["first_row"] = firstRow.ToString(CultureInfo.InvariantCulture), ["rows"] = rows.ToString(CultureInfo.InvariantCulture),
            ["total_rows"] = totalRows.ToString(CultureInfo.InvariantCulture),
        };
        SafetensorsWriter.Write(PathOf(cachePath, shard), positions.Select(p => (p.Key, p.Value)), metadata);
    }

    /// <summary>Joins the shares of <paramref name="cachePath"/>; null when there are none, an error when they are incomplete or stale.</summary>
    public static Joined? Join(string cachePath, string kind, string fingerprint, int totalRows)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(cachePath))!;
        var name = new Regex($"^{Regex.Escape(Path.GetFileNameWithoutExtension(cachePath))}\\.shard(\\d+)of(\\d+){Regex.Escape(Path.GetExtension(cachePath))}$");
        var found = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Select(f => name.Match(Path.GetFileName(f))).Where(m => m.Success)
                .Select(m => new Shard(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList()
            : [];
        if (found.Count == 0) return null;
        var counts = found.Select(s => s.Count).Distinct().Order().ToList();
        if (counts.Count > 1)
            throw new MftException($"{cachePath}: teacher cache shards of different counts ({string.Join(", ", counts.Select(n => $"of {n}"))}) lie beside it; delete the stale ones");
        int n = counts[0];
        using var scope = NewDisposeScope();   // the shards' tensors, freed once joined; the joined ones are moved out (docs/runtime.md)
        var positions = new Dictionary<string, List<Tensor>>();
        IReadOnlyDictionary<string, string>? parameters = null;
        int nextRow = 0;
        for (int k = 1; k <= n; k++)
        {
            var path = PathOf(cachePath, new Shard(k, n));
            if (!File.Exists(path)) throw MftException.NamingOptions($"{path}: missing: teacher cache shard {k} of {n} (compute it with mft teacher-cache, {{shard}} {k}/{n})");
            using var reader = new SafetensorsReader(path);
            var meta = reader.Metadata;
            if (meta.GetValueOrDefault("format") != Format || meta.GetValueOrDefault("kind") != kind)
                throw new MftException($"{path}: not an Mft teacher cache shard of kind {kind}");
            if (meta.GetValueOrDefault("fingerprint") != fingerprint)
                throw new MftException($"{path}: stale teacher cache shard: it was built for another model, tokenizer, data or cache setting (fingerprint {meta.GetValueOrDefault("fingerprint")}, this run needs {fingerprint}); delete the shards to rebuild");
            int Int(string key) => int.Parse(meta[key], CultureInfo.InvariantCulture);
            if (Int("first_row") != nextRow || Int("total_rows") != totalRows)
                throw new MftException($"{path}: covers rows {Int("first_row")}..{Int("first_row") + Int("rows")} of {Int("total_rows")}, expected rows from {nextRow} of {totalRows}");
            nextRow += Int("rows");
            var own = meta.Where(p => !IsShardKey(p.Key)).ToDictionary();
            if (parameters is not null && !own.OrderBy(p => p.Key).SequenceEqual(parameters.OrderBy(p => p.Key)))
                throw new MftException($"{path}: its cache parameters differ from shard 1's");
            parameters ??= own;
            foreach (var tensorName in reader.Tensors.Keys)
            {
                if (!positions.TryGetValue(tensorName, out var list)) positions[tensorName] = list = [];
                list.Add(reader.Load(tensorName));   // a copy: the reader may close
            }
        }
        if (nextRow != totalRows) throw new MftException($"{cachePath}: its {n} shards cover {nextRow} of {totalRows} rows");
        return new Joined(positions.ToDictionary(p => p.Key, p => cat(p.Value, 0).MoveToOuterDisposeScope()), parameters!, n);
    }

    private static bool IsShardKey(string key) => key is "format" or "kind" or "fingerprint" or "shard" or "first_row" or "rows" or "total_rows";
}
