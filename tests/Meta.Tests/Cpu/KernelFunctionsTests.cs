using System.Numerics;
using System.Runtime.Intrinsics;
using Meta.Backends.Cpu.Codegen;

namespace Meta.Tests.Cpu;

/// <summary>
/// <see cref="KernelFunctions"/>, the one list of model functions both CPU kernel emitters translate: every function of it is
/// written by the C# dialect and found by the IL emitter, in every lane type, and both call the same method.
/// </summary>
public class KernelFunctionsTests
{
    public static TheoryData<string, bool, bool> Functions()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var f in KernelFunctions.All)
            foreach (bool single in new[] { false, true })
                foreach (bool wide in new[] { false, true })
                    data.Add(f.Name, single, wide);
        return data;
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Both_emitters_call_the_same_method_for_every_function(string name, bool single, bool wide)
    {
        var f = KernelFunctions.Find(name)!;
        var lanes = new LaneType(single, wide);
        var method = single ? VectorMethods<float>.Of(wide).Function(f) : VectorMethods<double>.Of(wide).Function(f);
        var number = single ? VectorMethods<float>.Of(wide).Number : VectorMethods<double>.Of(wide).Number;
        method.ReturnType.Should().Be(number, $"{name} gives a vector of numbers");
        method.GetParameters().Select(p => p.ParameterType).Should().Equal(Enumerable.Repeat(number, f.Arity));

        string[] args = [.. Enumerable.Range(0, f.Arity).Select(k => $"A{k}")];
        string csharp = new VectorDialect(lanes).Call(name, args);
        // The C# call names the IL emitter's method: KernelMath's helper (exp, log, min and max of wide lanes are KernelMath's
        // halves in both), or the vector class's function.
        string call = f.Arity == 1 ? "(A0)" : "(A0, A1)";
        string expected = $"{method.DeclaringType!.Name}.{method.Name}{call}";
        if (f.Form == KernelFunctionForm.Halves && wide) method.DeclaringType.Should().Be(typeof(KernelMath));
        csharp.Should().Contain(expected, $"the C# kernel calls what the IL kernel calls for {name}");
        if (f.Form == KernelFunctionForm.Vector) method.DeclaringType.Should().Be(wide ? typeof(Vector512) : typeof(Vector));
    }

    [Fact]
    public void Phi_takes_the_series_alone_in_the_call_free_loop()
    {
        new VectorDialect(LaneType.Double, taylorOnly: true).Call("phi", ["B", "H"]).Should().Be("KernelMath.PhiTaylor(B, H, ref LARGE)");
        VectorMethods<double>.Of(false).PhiTaylor.DeclaringType.Should().Be(typeof(KernelMath));
        VectorMethods<float>.Of(true).PhiTaylor.GetParameters()[2].ParameterType.Should().Be(typeof(Vector512<float>).MakeByRefType());
    }

    [Fact]
    public void A_call_with_the_wrong_number_of_arguments_is_refused_naming_the_arity()
    {
        var call = () => new VectorDialect(LaneType.Double).Call("pow", ["A"]);
        call.Should().Throw<NotSupportedException>().WithMessage("*'pow'*takes 2 arguments, not 1*");
    }

    [Fact]
    public void The_names_are_unique_and_every_form_is_used()
    {
        KernelFunctions.All.Select(f => f.Name).Should().OnlyHaveUniqueItems();
        KernelFunctions.All.Select(f => f.Form).Distinct().Should().BeEquivalentTo(Enum.GetValues<KernelFunctionForm>());
    }

    [Fact]
    public void The_names_and_arities_are_the_model_languages_own()
    {
        // The model language's functions (Meta.Expressions.MathFunctions), less the event-only uniform and binomial, plus phi
        // (which the step program's lowering writes, KernelSymbols.Phi): a kernel knows each with the language's arity.
        var language = Meta.Expressions.MathFunctions.Arity.Where(f => f.Key is not ("uniform" or "binomial"))
            .Append(new(Meta.Backends.Programs.KernelSymbols.Phi, 2));
        KernelFunctions.All.Select(f => (f.Name, f.Arity)).Should().BeEquivalentTo(language.Select(f => (f.Key, f.Value)));
    }
}
