namespace Mft;

/// <summary>
/// What an option decides, for a sweep (<see cref="Sweep.SweepConfig"/>), whose methods are partial overrides of one
/// set of train options: a method may change how it learns, never which rows it learns from, what is measured, or how
/// the process runs. Declared on each option (<see cref="OptionAttribute.Scope"/>), not kept in a list.
/// </summary>
public enum OptionScope
{
    /// <summary>How a method learns from the rows (objective, tau, optimizer, adapter): a sweep method may set it.</summary>
    Method,
    /// <summary>
    /// Which token rows are trained on, and in what order (model, data, budget, seed, context, batch): the same for every
    /// method of a sweep's row, which is what lets them share one teacher cache and be compared.
    /// </summary>
    Rows,
    /// <summary>What is measured and when (evaluation sets, steps, evaluated steps, the step kept): the same for every method compared.</summary>
    Measurement,
    /// <summary>Where and how the process runs (output folder, device, threads, checkpoints): never the numbers; the command sets it.</summary>
    Process,
}
