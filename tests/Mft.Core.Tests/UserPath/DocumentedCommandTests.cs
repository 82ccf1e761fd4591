using Mft.Tests.Packaging;
using Xunit.Abstractions;

namespace Mft.Tests.UserPath;

/// <summary>
/// Every <c>mft</c> command that README.md and docs/ show runs as a user runs it: a fresh <c>mft</c> process of the
/// built CLI, on tiny inputs (<see cref="UserWorkspace"/>, <see cref="TinyRun"/>), in one folder, page after page
/// (README.md first) in the order each page gives them, so that a later command reads what an earlier one wrote. A
/// command that a page repeats word for word (the same sweep in README.md and docs/adapters.md) runs once. The commands
/// are read from the pages themselves: a command added to the documentation is run, and one that fails fails here.
/// </summary>
public sealed class DocumentedCommandTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerCommand = TimeSpan.FromMinutes(4);

    [Fact]
    public void Should_find_the_commands_a_user_copies_from_the_readme()
    {
        var commands = DocumentedCommand.Read(Repository.Root, "README.md");
        var verbs = commands.Select(c => c.Verb).ToHashSet();
        foreach (var verb in new[] { "demo", "--version", "generate", "perplexity", "train", "evaluate", "merge", "sweep", "export", "teacher-cache" })
            Assert.Contains(verb, verbs);
        var chatTrain = commands.Single(c => c.Verb == "train" && c.Arguments.Contains("chat.jsonl"));
        Assert.Equal(["train", "--model", "path/to/Qwen3-0.6B", "--data", "chat.jsonl", "--general", "general.txt", "--method", "mft", "--tau", "0.2",
            "--adapter", "lora", "--lr", "3e-4", "--context", "1024", "--out", "runs/my-chat"], chatTrain.Arguments);   // continuation joined
        var chatGenerate = commands.Single(c => c.Verb == "generate" && c.Arguments.Contains("--chat"));
        Assert.Contains("Answer briefly.", chatGenerate.Arguments);   // quoted words kept whole
        Assert.DoesNotContain(commands, c => c.Arguments.Any(a => a.StartsWith('#') || a.StartsWith('[')));
        Assert.Contains(DocumentedCommand.DocumentationFiles(Repository.Root), p => p == Path.Combine("docs", "cluster.md"));
    }

    [Fact]
    public void Should_run_every_documented_command_as_a_fresh_mft_process()
    {
        var workspace = UserWorkspace.Create("docs");
        var mft = Path.Combine(AppContext.BaseDirectory, "mft.dll");
        var failures = new List<string>();
        var ran = new HashSet<string>();
        int commands = 0;
        foreach (var page in DocumentedCommand.DocumentationFiles(Repository.Root))
            foreach (var command in DocumentedCommand.Read(Repository.Root, page))
                foreach (var args in TinyRun.For(command))
                {
                    var line = $"mft {string.Join(' ', args)}";
                    if (!ran.Add(line)) continue;
                    commands++;
                    var started = DateTime.UtcNow;
                    var r = ExternalProcess.Run("dotnet", [mft, .. args], workspace, PerCommand);
                    output.WriteLine($"{command.File}:{command.Line}: {line}: exit {r.ExitCode}, {(DateTime.UtcNow - started).TotalSeconds:F1} s");
                    int outAt = args.ToList().IndexOf("--out");
                    if (r.ExitCode != 0)
                        failures.Add($"{command}\n  ran: {line}\n  exit {r.ExitCode}: {Tail(r.Error)}");
                    else if (outAt >= 0 && !File.Exists(Path.Combine(workspace, args[outAt + 1])) && !Directory.Exists(Path.Combine(workspace, args[outAt + 1])))
                        failures.Add($"{command}\n  ran: {line}\n  exit 0 but wrote no {args[outAt + 1]}");
                }
        Assert.True(commands >= 30, $"only {commands} documented commands found");
        Assert.True(failures.Count == 0, $"{failures.Count} documented command(s) failed:\n" + string.Join("\n", failures));
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join("\n    ", lines.TakeLast(6));
    }
}
