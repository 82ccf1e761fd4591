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

    [Fact]
    public void Should_sum_gradients_cut_into_buckets_across_parameter_edges()
    {
        // Given three parameters (one without a gradient) and buckets of 4 floats, on a group of 2 ranks that sends the
        // same numbers as this one
        var ps = new[] { 5L, 3L, 6L }.Select(n => TorchSharp.torch.nn.Parameter(TorchSharp.torch.zeros(n))).ToList();
        ps[0].grad = TorchSharp.torch.arange(5f);
        ps[2].grad = TorchSharp.torch.arange(10f, 16f);
        // When they are summed
        new GradientAllReduce(new Twice(), bucketElements: 4).Sum(ps);
        // Then each gradient is doubled, the missing one zeros
        Assert.Equal([0f, 2, 4, 6, 8], ps[0].grad!.data<float>().ToArray());
        Assert.Equal([0f, 0, 0], ps[1].grad!.data<float>().ToArray());
        Assert.Equal([20f, 22, 24, 26, 28, 30], ps[2].grad!.data<float>().ToArray());
    }

    /// <summary>Two ranks that hold the same numbers: a sum doubles them.</summary>
    private sealed class Twice : IProcessGroup
    {
        public int Rank => 0;
        public int Size => 2;
        public void SumInPlace(Span<float> values) { foreach (ref var v in values) v *= 2; }
        public void SumInPlace(Span<double> values) { foreach (ref var v in values) v *= 2; }
        public void BroadcastFromRoot(Span<double> values) { }
        public void Barrier() { }
        public void Abort(string message, int exitCode) => throw new InvalidOperationException(message);
    }
}
