namespace Meta.Nestml.Syntax;

// The syntax tree of a NESTML model, as written (units unresolved, names unchecked). Every node knows its line.

/// <summary>An expression.</summary>
internal abstract record NExpr(int Line);

/// <summary>A number literal.</summary>
internal sealed record NNumber(double Value, int Line) : NExpr(Line);

/// <summary>A name: a variable, a unit, a constant (<c>e</c>, <c>inf</c>); <paramref name="Primes"/> counts the <c>'</c>.</summary>
internal sealed record NName(string Name, int Primes, int Line) : NExpr(Line)
{
    /// <summary>The name as written, primes included.</summary>
    public string Written => Name + new string('\'', Primes);
}

/// <summary>A unary operation: <c>-</c>, <c>+</c>, <c>not</c>.</summary>
internal sealed record NUnary(string Operator, NExpr Operand, int Line) : NExpr(Line);

/// <summary>A binary operation: arithmetic, comparison, <c>and</c>, <c>or</c>.</summary>
internal sealed record NBinary(string Operator, NExpr Left, NExpr Right, int Line) : NExpr(Line);

/// <summary>A function call.</summary>
internal sealed record NCall(string Function, IReadOnlyList<NExpr> Arguments, int Line) : NExpr(Line);

/// <summary>A conditional: <c>cond ? a : b</c>.</summary>
internal sealed record NConditional(NExpr Condition, NExpr Then, NExpr Else, int Line) : NExpr(Line);

/// <summary>
/// A declaration in <c>state</c>, <c>parameters</c> or <c>internals</c>, or an <c>inline</c>: a name (with primes for a
/// derivative state such as <c>g_exc'</c>), its type (a unit expression, or null for <c>real</c>, <c>integer</c>,
/// <c>boolean</c>), and its value.
/// </summary>
internal sealed record NDeclaration(string Name, int Primes, string TypeText, NExpr? Type, NExpr? Value, int Line, bool Recordable = false)
{
    /// <summary>Whether the type is <c>integer</c>.</summary>
    public bool IsInteger => TypeText == "integer";
}

/// <summary>An ODE <c>x' = rhs</c> (or <c>x'' = rhs</c>).</summary>
internal sealed record NOde(string State, int Order, NExpr RightHandSide, int Line);

/// <summary>
/// A kernel: <c>kernel K = expr</c> (<paramref name="Value"/>), or a kernel given by first-order ODEs with initial values,
/// <c>kernel g' = g$ - g/tau2, g$' = -g$/tau1</c> (<paramref name="System"/>; the kernel is its first variable).
/// </summary>
internal sealed record NKernel(string Name, NExpr? Value, int Line, IReadOnlyList<NKernelVariable>? System = null);

/// <summary>
/// A variable of a kernel's ODE system: its name as written (<c>g</c>, <c>g$</c>), its derivative, and its initial value (from
/// the state block, where NESTML declares it).
/// </summary>
internal sealed record NKernelVariable(string Name, NExpr RightHandSide, int Line)
{
    /// <summary>The initial value, taken from the state block after parsing.</summary>
    public NExpr? Initial { get; set; }
}

/// <summary>A parameter of a function: its name and type (null for <c>real</c>, <c>integer</c>, <c>boolean</c>).</summary>
internal sealed record NFunctionParameter(string Name, NExpr? Type, int Line);

/// <summary>A function definition: <c>function NAME(a TYPE, ...) TYPE:</c> with its body (locals, <c>return</c>).</summary>
internal sealed record NFunction(string Name, IReadOnlyList<NFunctionParameter> Parameters, NExpr? ReturnType, IReadOnlyList<NStatement> Body, int Line);

/// <summary>An input port: spike (with qualifiers) or continuous (with a unit).</summary>
internal sealed record NInputPort(string Name, bool Spike, IReadOnlyList<string> Qualifiers, NExpr? Unit, int Line);

/// <summary>A statement of an <c>update</c>, <c>onReceive</c> or <c>onCondition</c> block.</summary>
internal abstract record NStatement(int Line);

/// <summary><c>target op value</c> with op one of <c>= += -= *= /=</c>.</summary>
internal sealed record NAssignment(string Target, int Primes, string Operator, NExpr Value, int Line) : NStatement(Line);

/// <summary>A call statement: <c>integrate_odes(...)</c>, <c>emit_spike()</c>.</summary>
internal sealed record NCallStatement(NCall Call, int Line) : NStatement(Line);

/// <summary><c>if</c> / <c>elif</c> / <c>else</c>: the branches in order; the last has a null condition for <c>else</c>.</summary>
internal sealed record NIf(IReadOnlyList<(NExpr? Condition, IReadOnlyList<NStatement> Body)> Branches, int Line) : NStatement(Line);

/// <summary>A local variable declaration <c>NAME TYPE = value</c> in a block (its type a unit expression, or null for <c>real</c>, <c>integer</c>, <c>boolean</c>).</summary>
internal sealed record NLocal(string Name, string TypeText, NExpr? Type, NExpr Value, int Line) : NStatement(Line);

/// <summary><c>return value</c> in a function (a null value for a bare <c>return</c>).</summary>
internal sealed record NReturn(NExpr? Value, int Line) : NStatement(Line);

/// <summary>A statement Meta does not support, kept to be reported with its line (<c>for</c>, local declarations, ...).</summary>
internal sealed record NUnsupported(string Construct, int Line) : NStatement(Line);

/// <summary>An <c>onReceive(port)</c> block.</summary>
internal sealed record NOnReceive(string Port, IReadOnlyList<NStatement> Body, int Line);

/// <summary>An <c>onCondition(cond)</c> block.</summary>
internal sealed record NOnCondition(NExpr Condition, IReadOnlyList<NStatement> Body, int Line);

/// <summary>A whole NESTML model.</summary>
internal sealed class NModel
{
    /// <summary>The model's name.</summary>
    public required string Name { get; init; }
    /// <summary>The line of the <c>model</c> header.</summary>
    public int Line { get; init; }
    /// <summary>State variables.</summary>
    public List<NDeclaration> State { get; } = [];
    /// <summary>Parameters.</summary>
    public List<NDeclaration> Parameters { get; } = [];
    /// <summary>Internals.</summary>
    public List<NDeclaration> Internals { get; } = [];
    /// <summary>Inline expressions of the equations block.</summary>
    public List<NDeclaration> Inlines { get; } = [];
    /// <summary>ODEs.</summary>
    public List<NOde> Odes { get; } = [];
    /// <summary>Kernels.</summary>
    public List<NKernel> Kernels { get; } = [];
    /// <summary>Function definitions.</summary>
    public List<NFunction> Functions { get; } = [];
    /// <summary>Input ports.</summary>
    public List<NInputPort> Inputs { get; } = [];
    /// <summary>Whether the output block declares <c>spike</c>.</summary>
    public bool EmitsSpikes { get; set; }
    /// <summary>The update block's statements (null: none).</summary>
    public List<NStatement>? Update { get; set; }
    /// <summary>The line of the update block.</summary>
    public int UpdateLine { get; set; }
    /// <summary><c>onReceive</c> blocks.</summary>
    public List<NOnReceive> OnReceive { get; } = [];
    /// <summary><c>onCondition</c> blocks.</summary>
    public List<NOnCondition> OnCondition { get; } = [];
}
