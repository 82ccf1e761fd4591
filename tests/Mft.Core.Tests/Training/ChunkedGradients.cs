using Mft.Models;
using Mft.Models.Layers;
using Mft.Objectives;
using Mft.Training;
using static TorchSharp.torch;

namespace Mft.Tests.Training;

/// <summary>One batch's gradients through <see cref="ChunkedLoss"/>, each parameter's cloned, for tests that compare two ways of making them.</summary>
public static class ChunkedGradients
{
    /// <summary>The student's gradients for one row (input, labels, mask: (1, T)), its teacher the student with adapters off; the loss sum in <paramref name="loss"/>.</summary>
    public static Dictionary<string, Tensor> Of(CausalLM student, ITrainingObjective objective, Tensor input, Tensor labels, Tensor mask,
        int chunkTokens, bool bf16, bool autograd, out double loss)
    {
        student.zero_grad();
        using var region = Autocast.Bf16(bf16);
        Mft.Teachers.ITeacherBatch? teacher = null;
        if (objective.NeedsTeacher)
            using (no_grad()) teacher = new Mft.Teachers.AdaptersOffTeacher(student).Run(input, []);
        var hidden = student.ForwardHidden(input);
        loss = ChunkedLoss.ForwardBackward(student, objective, teacher, hidden, labels, mask, input.shape[1], chunkTokens, null, autograd);
        return student.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }
}
