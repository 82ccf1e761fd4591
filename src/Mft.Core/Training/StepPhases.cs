namespace Mft.Training;

/// <summary>
/// Where one training step's time went, in seconds (<see cref="Trainer.PhasesTimed"/>): the teacher's and the student's
/// forward passes, the chunked loss with all of back-propagation, the gradients' all-reduce (MPI) and norm, and the
/// optimizer's update. Summed over the step's micro-batches; the step's other work (collating, freeing) is not in any.
/// </summary>
public sealed record StepPhases(double Forward, double LossAndBackward, double Gradients, double Optimizer);
