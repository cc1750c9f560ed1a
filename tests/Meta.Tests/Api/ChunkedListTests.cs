using Meta.Projections;

namespace Meta.Tests.Api;

public class ChunkedListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(200_001)]
    public void ToArray_holds_every_value_in_order_across_chunk_boundaries(int count)
    {
        var list = new ChunkedList<int>();
        for (int k = 0; k < count; k++) list.Add(k * 7 - 3);

        Assert.Equal(count, list.Count);
        var array = list.ToArray();

        Assert.Equal(count, array.Length);
        for (int k = 0; k < count; k++) Assert.Equal(k * 7 - 3, array[k]);
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void The_list_can_be_filled_again_after_ToArray()
    {
        var list = new ChunkedList<double>();
        for (int k = 0; k < 70_000; k++) list.Add(k);
        list.ToArray();
        list.Add(1.5);
        list.Add(2.5);

        Assert.Equal([1.5, 2.5], list.ToArray());
    }
}
