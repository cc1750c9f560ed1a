using Meta.Sweeps;

namespace Meta.Tests.Sweeps;

public sealed class ParameterSetReaderTests
{
    [Fact]
    public void Csv_rows_become_sets_with_seeds()
    {
        var sets = ParameterSetReader.ParseCsv("# sweep\nE.tau_m, seed,E.i_offset\n10,1,0.5\n\n20,2,1e-1\n");
        sets.Should().HaveCount(2);
        sets[1].Values.Should().Equal(new Dictionary<string, double> { ["E.tau_m"] = 20, ["E.i_offset"] = 0.1 });
        sets[1].Seed.Should().Be(2);
    }

    [Fact]
    public void A_bad_number_names_line_and_column()
    {
        var act = () => ParameterSetReader.ParseCsv("E.tau_m,E.i_offset\n10,0.5\n20,abc\n", "sets.csv");
        act.Should().Throw<SweepFormatException>().WithMessage("sets.csv line 3, column 2 (E.i_offset): 'abc' is not a number");
    }

    [Fact]
    public void A_bad_seed_names_line_and_column()
    {
        var act = () => ParameterSetReader.ParseCsv("seed,E.tau_m\n-1,10\n", "sets.csv");
        act.Should().Throw<SweepFormatException>().WithMessage("sets.csv line 2, column 1 (seed): '-1' is not a seed*");
    }

    [Fact]
    public void A_short_row_names_its_line()
    {
        var act = () => ParameterSetReader.ParseCsv("\nE.tau_m,E.i_offset\n10\n", "sets.csv");
        act.Should().Throw<SweepFormatException>().WithMessage("sets.csv line 3: 1 fields, but the header (line 2) has 2");
    }

    [Fact]
    public void A_repeated_column_is_an_error()
    {
        var act = () => ParameterSetReader.ParseCsv("E.tau_m,E.tau_m\n1,2\n", "sets.csv");
        act.Should().Throw<SweepFormatException>().WithMessage("sets.csv line 1, column 2: 'E.tau_m' repeats column 1");
    }

    [Fact]
    public void Json_sets_and_grids()
    {
        ParameterSetReader.ParseJson("""[{"E.tau_m": 10, "seed": 4}, {"E.tau_m": 12}]""").Select(s => s.Seed).Should().Equal(4UL, null);
        ParameterSetReader.ParseJson("""{"grid": {"E.tau_m": [10, 12], "I.v": [-60, -65, -70]}}""").Should().HaveCount(6);
    }

    [Fact]
    public void Invalid_json_names_line_and_column()
    {
        var act = () => ParameterSetReader.ParseJson("[\n  {\"E.tau_m\": 10,,}\n]", "sets.json");
        act.Should().Throw<SweepFormatException>().WithMessage("sets.json line 2, column *: not valid JSON*");
    }

    [Fact]
    public void A_json_value_that_is_not_a_number_names_the_set()
    {
        var act = () => ParameterSetReader.ParseJson("""[{"E.tau_m": 10}, {"E.tau_m": "ten"}]""", "sets.json");
        act.Should().Throw<SweepFormatException>().WithMessage("sets.json set [1].E.tau_m: 'ten' is not a number");
    }
}
