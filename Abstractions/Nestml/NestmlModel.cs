using Meta.Models;
using Meta.Nestml.Compilation;
using Meta.Nestml.Syntax;
using Meta.Nestml.Units;

namespace Meta.Nestml;

/// <summary>
/// NESTML neuron models as Meta model definitions: <c>NestmlModel.Load("iaf_psc_exp_neuron.nestml")</c> gives a
/// <see cref="ModelDefinition"/> to use in a population (<c>new CellType(model)</c>), which every backend runs. Parameters and
/// states keep their NESTML names, in Meta's (PyNN's) units: pF → nF, pA → nA, nS → µS, mV and ms unchanged. The supported
/// constructs and the fixture models' status are in docs/nestml.md; anything else is a <see cref="NestmlException"/> naming
/// the construct, the file and the line.
/// </summary>
public static class NestmlModel
{
    /// <summary>Reads and compiles the model in the file at <paramref name="path"/>.</summary>
    /// <exception cref="NestmlException">The file holds a syntax error or a construct Meta does not support.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ModelDefinition Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read NESTML file '{path}': {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Compiles NESTML <paramref name="text"/>; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="NestmlException">The text holds a syntax error or a construct Meta does not support.</exception>
    public static ModelDefinition Parse(string text, string file = "model.nestml")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        var model = Parser.Parse(text, file);
        return NestmlCompiler.Compile(model, file);
    }

    /// <summary>
    /// Compiles the model in the file at <paramref name="path"/> and gives, beside it, the size of each parameter's and
    /// state's declared unit in Meta's units (<c>C_m pF</c>: 0.001; <c>tau_m ms</c>: 1), so that values written in NESTML's
    /// units (as NEST takes them from a NESTML-built module, e.g. a SONATA <c>dynamics_params</c> file) convert by one
    /// multiplication.
    /// </summary>
    /// <exception cref="NestmlException">The file holds a syntax error or a construct Meta does not support.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static (ModelDefinition Model, IReadOnlyDictionary<string, double> UnitScales) LoadWithUnits(string path)
    {
        var model = Load(path);
        var syntax = Parser.Parse(File.ReadAllText(path), path);
        return (model, DeclaredUnits.Of(syntax));
    }
}
