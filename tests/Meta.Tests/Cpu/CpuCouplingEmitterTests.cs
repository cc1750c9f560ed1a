using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Lowering.Couplings;
using Meta.Models;

namespace Meta.Tests.Cpu;

/// <summary>The CPU's coupling code, generated from a coupling kernel's data, against the kernel's expressions evaluated directly.</summary>
public class CpuCouplingEmitterTests
{
    /// <summary>A user coupling with two states, the second driven by the first, and a mirror current.</summary>
    private static CouplingKernel Kernel() => CouplingKernelBuilder.Build(new CouplingModelBuilder("Chained")
        .Parameter("tau", 5.0, "ms")
        .State("u", 0.0, "1", "(v_pre + 60)/tau - u/tau")
        .State("w", 0.0, "1", "u - w")
        .Current("weight*(u + w)*(v_pre - v_post)")
        .Bidirectional()
        .Build());

    [Fact]
    public void Every_connection_gets_its_currents_and_its_states_advance_from_start_of_step_values()
    {
        var kernel = Kernel();
        var step = CpuCouplingEmitter.Compile(kernel, out _);
        int[] pre = [0, 2, 1], post = [1, 0, 2];
        double[] v = [-55.0, -70.0, -40.0];
        var names = kernel.Buffers.Select(b => b.Name).ToList();
        var start = new Dictionary<string, double[]>
        {
            ["weight"] = [0.01, 0.02, 0.03], ["tau"] = [5.0, 2.0, 8.0], ["u"] = [0.1, 0.5, 0.9], ["w"] = [0.3, 0.2, 0.0],
        };
        var buffers = names.Select(n => (double[])start[n].Clone()).ToArray();
        const double dt = 0.1;
        int count = pre.Length;
        var terms = new double[2 * count + 1];
        step(count, pre, post, [v], [v], buffers, dt, terms, 0, count);

        for (int j = 0; j < count; j++)
        {
            double Lookup(string n) => n switch
            {
                "v_pre" => v[pre[j]],
                "v_post" => v[post[j]],
                "dt" => dt,
                _ => start[n][j],
            };
            terms[j].Should().BeApproximately(kernel.PostCurrent.Evaluate(Lookup), 1e-15, "connection {0}'s current into its post cell", j);
            terms[count + j].Should().BeApproximately(kernel.PreCurrent!.Evaluate(Lookup), 1e-15, "connection {0}'s mirror current", j);
            terms[count + j].Should().Be(-terms[j], "the mirror current of this coupling is the opposite current");
            // Both states advance from the start-of-step values: w's step reads u as it was, not u's new value.
            var locals = new Dictionary<string, double>();
            double Read(string n) => locals.TryGetValue(n, out var x) ? x : Lookup(n);
            foreach (var s in kernel.Update)
            {
                if (s is Let l) locals[l.Name] = l.Value.Evaluate(Read);
                else if (s is Store st) buffers[names.IndexOf(st.Buffer)][j].Should().BeApproximately(st.Value.Evaluate(Read), 1e-15, "{0} of connection {1}", st.Buffer, j);
            }
            buffers[names.IndexOf("u")][j].Should().NotBe(start["u"][j]);
        }
        terms[^1].Should().Be(0, "nothing is written past the terms of the connections");
    }

    [Fact]
    public void The_source_is_written_from_the_kernel_and_keys_the_compiled_code_by_structure()
    {
        var source = CpuCouplingEmitter.Source(Kernel());
        source.Should().Contain("terms[postTerm + j]").And.Contain("terms[preTerm + j]").And.Contain("global::System.Math.Exp");
        CpuCouplingEmitter.Compile(Kernel(), out _);
        CpuCouplingEmitter.Compile(Kernel(), out bool again);
        again.Should().BeFalse("a kernel of the same structure is taken from the cache");
        var graded = CpuCouplingEmitter.Source(CouplingKernelBuilder.Build(CouplingTypes.GradedSynapse));
        graded.Should().NotContain("preTerm + j", "a one-way coupling writes no mirror current");
    }
}
