using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mft.Cli;
using Mft.Cli.Commands;
using Mft.Jobs;
using Mft.Training;
using Spectre.Console.Cli;

namespace Mft.Tests.Cli;

/// <summary>
/// mft train's options are the library's records (<see cref="OptionSchema"/>); the other commands' settings are written
/// apart, and these tests keep the defaults they show true.
/// </summary>
public sealed class OptionDefaultsTests
{
    [Fact]
    public void Should_give_mft_train_without_options_the_librarys_default_job()
    {
        // Given mft train with only the required options, and the library's job with only the same
        var cli = OptionArgs.Bind<TrainOptions>(["--model", "m", "--data", "d", "--out", "o"], new Dictionary<string, string>()).Job;
        var library = new FinetuneJobConfig { ModelDirectory = "m", DataPath = "d", OutputDirectory = "o", Trainer = new TrainerConfig() };
        // Then every setting agrees
        var options = new JsonSerializerOptions { Converters = { EnumOption.JsonConverter } };
        var a = JsonNode.Parse(JsonSerializer.Serialize(cli, options))!.AsObject();
        var b = JsonNode.Parse(JsonSerializer.Serialize(library, options))!.AsObject();
        var differences = a.Select(p => p.Key).Where(k => !JsonNode.DeepEquals(a[k], b[k])).ToList();
        foreach (var k in a.Select(p => p.Key).Where(k => a[k] is JsonObject && b[k] is JsonObject))
            differences.AddRange(a[k]!.AsObject().Select(p => p.Key).Where(j => !JsonNode.DeepEquals(a[k]![j], b[k]![j])).Select(j => $"{k}.{j}"));
        Assert.True(differences.All(d => d == "Trainer"), "defaults differ: " + string.Join(", ", differences.Where(d => d != "Trainer")));
    }

    [Theory]
    [InlineData(typeof(DemoSettings))]
    [InlineData(typeof(SweepSettings))]
    public void Should_show_in_the_help_the_default_each_option_really_has(Type settings)
    {
        // Given a settings class as the command line creates it (no option given)
        var instance = Activator.CreateInstance(settings)!;
        foreach (var p in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<CommandOptionAttribute>() is null || p.GetCustomAttribute<DefaultValueAttribute>() is not { } shown) continue;
            // Then the default the help prints is the value the option has
            Assert.True(Equals(Convert.ChangeType(shown.Value, Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType), p.GetValue(instance)),
                $"{settings.Name}.{p.Name}: the help shows {shown.Value}, the option defaults to {p.GetValue(instance)}");
        }
    }
}
