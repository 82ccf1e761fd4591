using Mft.Runtime;
using Mft.Models;
using Mft.Training;
using Mft.Runs;

namespace Mft.Adapters;

/// <summary>Folds a PEFT adapter into its base model and writes a full Hugging Face checkpoint (mft merge).</summary>
public static class AdapterMerge
{
    public static void Run(AdapterMergeConfig config)
    {
        config.Validate();
        Run(config.ModelDirectory, config.AdapterDirectory, config.OutputDirectory, config.Overwrite);
    }

    public static void Run(string modelDirectory, string adapterDirectory, string outputDirectory, bool overwrite)
    {
        OutputFolder.Check(outputDirectory, overwrite, resume: false);
        using var jobScope = TorchRuntime.JobScope();
        using var model = ModelFactory.FromPretrained(modelDirectory);
        PeftAdapterFiles.Load(model, adapterDirectory);
        ModelAdapters.Merge(model);
        // Everything has been read and checked: only now is the output folder touched.
        OutputFolder.Prepare(outputDirectory, overwrite, resume: false);
        ModelFactory.Save(model, outputDirectory, modelDirectory);
    }
}
