using Meta.Backends;
using Meta.Distributed;
using Meta.Distributed.Mpi;

namespace Meta.Tests.Distributed;

/// <summary>Which GPU a rank takes (<see cref="GpuChoice"/>) and where its local rank comes from, checked without a GPU.</summary>
public class GpuChoiceTests
{
    [Theory]
    [InlineData(null, 4, 0)]
    [InlineData(0, 4, 0)]
    [InlineData(3, 4, 3)]
    [InlineData(5, 4, 1)]
    [InlineData(7, 1, 0)]
    [InlineData(2, 2, 0)]
    public void Local_ranks_take_the_machines_gpus_in_turn(int? localRank, int gpus, int expected) =>
        GpuChoice.ForLocalRank(localRank, gpus).Should().Be(expected);

    [Fact]
    public void Every_gpu_gets_a_rank_when_there_are_as_many_ranks_as_gpus()
    {
        Enumerable.Range(0, 8).Select(k => GpuChoice.ForLocalRank(k, 8)).Should().BeEquivalentTo(Enumerable.Range(0, 8));
        Enumerable.Range(0, 8).Select(k => GpuChoice.ForLocalRank(k, 4)).GroupBy(g => g).Should().AllSatisfy(g => g.Count().Should().Be(2));
    }

    [Fact]
    public void Without_a_gpu_or_with_a_negative_rank_it_refuses()
    {
        FluentActions.Invoking(() => GpuChoice.ForLocalRank(0, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => GpuChoice.ForLocalRank(-1, 2)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_local_rank_is_read_from_open_mpis_variable_or_else_is_the_rank()
    {
        MpiCommunicator.LocalRankFrom("3", rank: 11).Should().Be(3);
        MpiCommunicator.LocalRankFrom(" 0 ", rank: 5).Should().Be(0);
        MpiCommunicator.LocalRankFrom(null, rank: 2).Should().Be(2);
        MpiCommunicator.LocalRankFrom("", rank: 1).Should().Be(1);
        FluentActions.Invoking(() => MpiCommunicator.LocalRankFrom("-1", 0)).Should().Throw<FormatException>().WithMessage("*OMPI_COMM_WORLD_LOCAL_RANK*'-1'*");
        MpiCommunicator.LocalRankVariable.Should().Be("OMPI_COMM_WORLD_LOCAL_RANK");
    }

    [Fact]
    public void A_thread_rank_is_its_own_local_rank()
    {
        ICommunicator c = new ThreadCommunicator.Group(3).Ranks()[2];
        c.LocalRank.Should().Be(2);
    }
}
