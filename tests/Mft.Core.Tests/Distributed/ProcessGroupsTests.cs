using Mft.Distributed;

namespace Mft.Tests.Distributed;

public sealed class ProcessGroupsTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("OMPI_COMM_WORLD_SIZE=2", true)]      // mpirun
    [InlineData("PMIX_RANK=0", true)]                 // srun --mpi=pmix
    [InlineData("PMI_SIZE=2", true)]                  // srun --mpi=pmi2
    [InlineData("OMPI_COMM_WORLD_SIZE=2,MFT_MPI=0", false)]
    [InlineData("SLURM_NTASKS=2", false)]             // a Slurm task without an MPI plugin is not a rank
    public void Should_detect_an_mpi_launcher_from_its_environment(string? variables, bool expected)
    {
        // Given an environment
        var env = (variables ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=')).ToDictionary(v => v[0], v => v[1]);
        // Then detection says whether this process is a rank
        Assert.Equal(expected, ProcessGroups.UnderMpi(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void Should_leave_gradients_alone_in_a_single_process()
    {
        // Given a parameter with a gradient
        using var p = TorchSharp.torch.nn.Parameter(TorchSharp.torch.ones(3));
        p.grad = TorchSharp.torch.full(3, 2f);
        // When the single process "sums" it over its one rank
        new GradientAllReduce(SingleProcess.Instance).Sum([p]);
        // Then it is unchanged
        Assert.Equal([2f, 2f, 2f], p.grad!.data<float>().ToArray());
    }
}
