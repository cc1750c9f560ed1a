using System.Numerics;
using System.Runtime.Intrinsics;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Lowering.Kernels;
using Meta.Models.Standard;

namespace Meta.Tests.Cpu;

/// <summary>
/// <see cref="KernelMath"/>, the one copy of the CPU kernels' helpers: its phi is <see cref="KernelSymbols.PhiOf"/>'s series
/// lane for lane (the coefficients of <see cref="KernelSymbols.PhiSeries"/>, Horner's order, fused multiply-adds), narrow
/// and wide, float64 and float32; and the C# kernel calls it instead of writing helpers of its own.
/// </summary>
public class KernelMathTests
{
    /// <summary>Values of b·h inside the series' range (|x| &lt; 0.6), with h the step.</summary>
    private static readonly double[] Small = [-0.59, -0.3, -0.05, -1e-9, 0, 1e-12, 0.0123, 0.25, 0.5999];

    [Fact]
    public void The_coefficients_are_the_reciprocal_factorials_in_horners_order()
    {
        KernelSymbols.PhiTaylor.Should().HaveCount(11);
        double factorial = 1;
        for (int k = 0; k <= 10; k++)
        {
            factorial *= k + 1; // (k + 1)!, exact in float64 up to 11!
            KernelSymbols.PhiTaylor[10 - k].Should().Be(1.0 / factorial, $"the coefficient of x^{k} is 1/{k + 1}!");
        }
        KernelSymbols.PhiSeries.X10.Should().Be(KernelSymbols.PhiTaylor[0]);
        KernelSymbols.PhiSeries.X0.Should().Be(KernelSymbols.PhiTaylor[10]);
    }

    [Fact]
    public void Phi_in_float64_lanes_is_the_references_series_bit_for_bit()
    {
        const double h = 0.1;
        foreach (double x in Small)
        {
            double b = x / h;
            long expected = BitConverter.DoubleToInt64Bits(KernelSymbols.PhiOf(b, h));
            var phi = KernelMath.Phi(new Vector<double>(b), new Vector<double>(h));
            for (int l = 0; l < Vector<double>.Count; l++) BitConverter.DoubleToInt64Bits(phi[l]).Should().Be(expected, $"x = {x}");
            var large = Vector<long>.Zero;
            var taylor = KernelMath.PhiTaylor(new Vector<double>(b), new Vector<double>(h), ref large);
            BitConverter.DoubleToInt64Bits(taylor[0]).Should().Be(expected, $"the series alone at x = {x}");
            large.Should().Be(Vector<long>.Zero, "no lane left the range");
        }
    }

    [Fact]
    public void Phi_in_float32_lanes_is_the_series_rounded_as_float32()
    {
        const float h = 0.1f;
        foreach (double xd in Small)
        {
            float b = (float)xd / h;
            float expected = ReferenceSingle(b, h);
            var phi = KernelMath.Phi(new Vector<float>(b), new Vector<float>(h));
            for (int l = 0; l < Vector<float>.Count; l++) BitConverter.SingleToInt32Bits(phi[l]).Should().Be(BitConverter.SingleToInt32Bits(expected), $"x = {xd}");
        }
    }

    [Fact]
    public void Phi_outside_the_series_range_takes_exp_and_marks_the_lane_in_the_fast_form()
    {
        // One lane at x = 2 (closed form), the others inside the range.
        var bs = new double[Vector<double>.Count];
        for (int l = 0; l < bs.Length; l++) bs[l] = l == 0 ? 20.0 : 1.0;
        var b = new Vector<double>(bs);
        var h = new Vector<double>(0.1);
        var phi = KernelMath.Phi(b, h);
        phi[0].Should().BeApproximately((Math.Exp(2.0) - 1) / 20.0, 1e-15, "the closed form where |x| ≥ 0.6");
        BitConverter.DoubleToInt64Bits(phi[1]).Should().Be(BitConverter.DoubleToInt64Bits(KernelSymbols.PhiOf(1.0, 0.1)), "the series in the other lanes");
        var large = Vector<long>.Zero;
        KernelMath.PhiTaylor(b, h, ref large);
        large[0].Should().Be(-1L, "the lane outside the range is marked");
        for (int l = 1; l < Vector<long>.Count; l++) large[l].Should().Be(0L);
    }

    [Vector512Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Phi_in_wide_lanes_is_the_narrow_phi_bit_for_bit(bool single)
    {
        const double h = 0.1;
        foreach (double x in Small.Append(0.75).Append(-3.0))
        {
            double b = x / h;
            if (single)
            {
                var wide = KernelMath.Phi(Vector512.Create((float)b), Vector512.Create((float)h));
                var narrow = KernelMath.Phi(new Vector<float>((float)b), new Vector<float>((float)h));
                BitConverter.SingleToInt32Bits(wide[Vector512<float>.Count - 1]).Should().Be(BitConverter.SingleToInt32Bits(narrow[0]), $"x = {x}");
            }
            else
            {
                var wide = KernelMath.Phi(Vector512.Create(b), Vector512.Create(h));
                var narrow = KernelMath.Phi(new Vector<double>(b), new Vector<double>(h));
                BitConverter.DoubleToInt64Bits(wide[Vector512<double>.Count - 1]).Should().Be(BitConverter.DoubleToInt64Bits(narrow[0]), $"x = {x}");
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void The_csharp_kernel_calls_kernel_math_and_writes_no_helpers_of_its_own(bool single, bool wide)
    {
        var kernel = NeuronGroupLowering.KernelOf(IntegrateAndFire.IF_cond_exp, false);
        string source = CpuKernelEmitter.Source(kernel, "Probe", new LaneType(single, wide));
        source.Should().Contain("KernelMath.Phi(").And.Contain("KernelMath.PhiTaylor(").And.Contain("KernelMath.Need(").And.Contain("KernelMath.BadRange(");
        source.Should().NotContain("FusedMultiplyAdd", "phi's series is KernelMath's, not written into the class");
        source.Should().NotContain("VMath").And.NotContain(" Phi(").And.NotContain("private static void Need");
    }

    /// <summary>The float32 series: each float64 coefficient rounded once, Horner's rule with fused multiply-adds in float32.</summary>
    private static float ReferenceSingle(float b, float h)
    {
        float x = b * h;
        float r = (float)KernelSymbols.PhiTaylor[0];
        for (int i = 1; i < KernelSymbols.PhiTaylor.Length; i++) r = MathF.FusedMultiplyAdd(r, x, (float)KernelSymbols.PhiTaylor[i]);
        return r * h;
    }
}
