using Mft.Generation;

namespace Mft.Cli.Commands;

/// <summary><c>mft generate</c>: continue a prompt with a model directory (<see cref="GenerateJob"/>).</summary>
public static class GenerateCommand
{
    public static int Run(GenerateOptions options)
    {
        var result = GenerateJob.Run(options.Job, Console.Error.WriteLine);   // what auto chose, on stderr: stdout is the text
        Console.WriteLine(result.Text);
        if (options.PrintIds)
        {
            Console.WriteLine($"prompt ids: {string.Join(' ', result.Prompt)}");
            Console.WriteLine($"generated ids: {string.Join(' ', result.Generated)}");
        }
        return 0;
    }
}
