namespace Meta.Models;

/// <summary>Checks of parameter values against their <see cref="ParameterDomain"/>, shared by the model builders and the resolver.</summary>
public static class ParameterDomains
{
    /// <summary>The domain to store for a declared parameter: <paramref name="domain"/> (or Any), after checking that the default lies in it.</summary>
    /// <exception cref="ArgumentException">The default lies outside the domain.</exception>
    public static ParameterDomain Checked(string parameterName, double defaultValue, ParameterDomain? domain)
    {
        var d = domain ?? ParameterDomain.Any;
        if (!d.Contains(defaultValue) && !(double.IsNaN(defaultValue) && ReferenceEquals(d, ParameterDomain.Any)))
            throw new ArgumentException($"Parameter '{parameterName}': its default {defaultValue} is not {d}.", nameof(defaultValue));
        return d;
    }

    /// <summary>
    /// The message for the first value of <paramref name="values"/> outside <paramref name="parameter"/>'s domain, or null
    /// when all lie in it. <paramref name="owner"/> names the model and where its values live ("IF_curr_exp in 'cells'"),
    /// <paramref name="item"/> names one value's place from its index ("cell 3").
    /// </summary>
    public static string? FirstViolation(ParameterDefinition parameter, string kernelName, ReadOnlySpan<double> values, string owner, Func<int, string> item)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var domain = parameter.Domain;
        for (int i = 0; i < values.Length; i++)
        {
            if (domain.Contains(values[i])) continue;
            string unit = string.IsNullOrEmpty(parameter.Unit) ? "" : $" {parameter.Unit}";
            return $"'{kernelName}' of {owner} must be {domain}{(double.IsInfinity(domain.Upper) && double.IsInfinity(domain.Lower) ? "" : unit)}; {item(i)} has {values[i]}{unit}.";
        }
        return null;
    }
}
