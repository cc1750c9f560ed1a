namespace Meta.Nestml.Syntax;

/// <summary>
/// A recursive-descent parser for the part of NESTML that neuron models use: the <c>model</c> (or <c>neuron</c>) header and
/// its <c>state</c>, <c>parameters</c>, <c>internals</c>, <c>equations</c>, <c>input</c>, <c>output</c>, <c>update</c>,
/// <c>onReceive</c> and <c>onCondition</c> blocks, function definitions and kernels given by ODEs with initial values.
/// Constructs outside it (loops, vector ports, decorators) are errors naming the construct and the line.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Keywords = ["and", "or", "not", "if", "elif", "else"];
    private static readonly HashSet<string> PlainTypes = ["real", "integer", "boolean", "string", "void"];

    private readonly List<Token> _tokens;
    private readonly string _file;
    private int _at;
    private bool _inFunction;

    private Parser(List<Token> tokens, string file)
    {
        _tokens = tokens;
        _file = file;
    }

    /// <summary>Parses one model from <paramref name="text"/>; <paramref name="file"/> names it in errors.</summary>
    public static NModel Parse(string text, string file)
    {
        var parser = new Parser(new Lexer(text, file).Tokenize(), file);
        return parser.File();
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_at + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[Math.Min(_at++, _tokens.Count - 1)];

    private NestmlException Error(Token at, string message) => new(_file, at.Line, message);

    private NestmlException Unsupported(Token at, string construct) =>
        new(_file, at.Line, $"unsupported NESTML construct: {construct} (docs/nestml.md lists what Meta's importer supports)");

    private bool Accept(string text)
    {
        if (!Peek().Is(text)) return false;
        _at++;
        return true;
    }

    private Token Expect(string text, string what)
    {
        var t = Peek();
        if (!t.Is(text)) throw Error(t, $"expected {what}, found {t}");
        return Next();
    }

    private Token ExpectKind(TokenKind kind, string what)
    {
        var t = Peek();
        if (t.Kind != kind) throw Error(t, $"expected {what}, found {t}");
        return Next();
    }

    private void SkipNewlines()
    {
        while (Peek().Kind == TokenKind.Newline) _at++;
    }

    private NModel File()
    {
        SkipNewlines();
        var header = Peek();
        if (header.Is("synapse")) throw Unsupported(header, "synapse models ('synapse' block); Meta imports NESTML neuron models only");
        if (!header.Is("model") && !header.Is("neuron")) throw Error(header, $"expected 'model NAME:', found {header}");
        Next();
        var name = ExpectKind(TokenKind.Name, "the model's name");
        Expect(":", "':' after the model's name");
        var model = new NModel { Name = name.Text, Line = header.Line };
        ExpectKind(TokenKind.Newline, "a new line after the model header");
        ExpectKind(TokenKind.Indent, "the model's indented blocks");
        while (Peek().Kind != TokenKind.Dedent && Peek().Kind != TokenKind.End)
        {
            Block(model);
            SkipNewlines();
        }
        if (Peek().Kind == TokenKind.Dedent) Next();
        SkipNewlines();
        TakeKernelInitialValues(model);
        if (Peek().Kind != TokenKind.End)
            throw Peek().Is("model") || Peek().Is("neuron")
                ? Unsupported(Peek(), "a second model in one file")
                : Error(Peek(), $"unexpected {Peek()} after the model");
        return model;
    }

    private void Block(NModel model)
    {
        var t = Next();
        switch (t.Text)
        {
            case "state":
                Declarations(model.State);
                break;
            case "initial_values":
                Declarations(model.State);
                break;
            case "parameters":
                Declarations(model.Parameters);
                break;
            case "internals":
                Declarations(model.Internals);
                break;
            case "equations":
                Equations(model);
                break;
            case "input":
                Inputs(model);
                break;
            case "output":
                Output(model);
                break;
            case "update":
                Expect(":", "':' after 'update'");
                if (model.Update is not null) throw Unsupported(t, "a second update block");
                model.UpdateLine = t.Line;
                model.Update = Body();
                break;
            case "onReceive":
                {
                    Expect("(", "'(' after onReceive");
                    var port = ExpectKind(TokenKind.Name, "the name of a spike input port");
                    if (Peek().Is(",")) throw Unsupported(Peek(), "onReceive with a priority or further arguments");
                    Expect(")", "')'");
                    Expect(":", "':'");
                    model.OnReceive.Add(new(port.Text, Body(), t.Line));
                    break;
                }
            case "onCondition":
                {
                    Expect("(", "'(' after onCondition");
                    var condition = Expression();
                    Expect(")", "')'");
                    Expect(":", "':'");
                    model.OnCondition.Add(new(condition, Body(), t.Line));
                    break;
                }
            case "function":
                model.Functions.Add(Function(t));
                break;
            default:
                throw Error(t, $"unknown block {t} (known: state, parameters, internals, equations, input, output, update, onReceive, onCondition)");
        }
    }

    /// <summary><c>function NAME(a TYPE, ...) TYPE:</c> and its body (after the 'function' keyword).</summary>
    private NFunction Function(Token keyword)
    {
        var name = ExpectKind(TokenKind.Name, "the function's name");
        Expect("(", "'(' after the function's name");
        var parameters = new List<NFunctionParameter>();
        if (!Accept(")"))
        {
            do
            {
                var p = ExpectKind(TokenKind.Name, "a parameter name");
                parameters.Add(new(p.Text, TypeExpression().Unit, p.Line));
            }
            while (Accept(","));
            Expect(")", "')' closing the function's parameters");
        }
        NExpr? returnType = Peek().Is(":") ? null : TypeExpression().Unit;
        Expect(":", "':' after the function's header");
        _inFunction = true;
        try { return new NFunction(name.Text, parameters, returnType, Body(), keyword.Line); }
        finally { _inFunction = false; }
    }

    /// <summary>
    /// Moves the initial values of kernel ODE variables (<c>g_in</c>, <c>g_in$</c>) from the state block into their kernels;
    /// a <c>$</c> variable that belongs to no kernel is an error.
    /// </summary>
    private void TakeKernelInitialValues(NModel model)
    {
        foreach (var kernel in model.Kernels.Where(k => k.System is not null))
            foreach (var variable in kernel.System!)
            {
                var declaration = model.State.FirstOrDefault(d => d.Primes == 0 && d.Name == variable.Name)
                    ?? throw new NestmlException(_file, variable.Line, $"the kernel variable '{variable.Name}' needs an initial value in the state block ('{variable.Name} real = ...')");
                variable.Initial = declaration.Value ?? throw new NestmlException(_file, declaration.Line, $"the kernel variable '{variable.Name}' has no initial value");
                model.State.Remove(declaration);
            }
        if (model.State.FirstOrDefault(d => d.Name.Contains('$', StringComparison.Ordinal)) is { } stray)
            throw new NestmlException(_file, stray.Line,
                $"unsupported NESTML construct: the state '{stray.Name}', which is no variable of a kernel's ODEs (docs/nestml.md lists what Meta's importer supports)");
    }

    /// <summary>The indented lines under a block header (after its ':').</summary>
    private void IndentedLines(Action line)
    {
        ExpectKind(TokenKind.Newline, "a new line after ':'");
        if (Peek().Kind != TokenKind.Indent) return; // an empty block
        Next();
        while (Peek().Kind != TokenKind.Dedent && Peek().Kind != TokenKind.End)
        {
            line();
            Accept(";");
            // A line that ended with a nested block (if ... else) has had its line end already.
            bool endedBlock = _tokens[_at - 1].Kind == TokenKind.Dedent;
            if (!endedBlock && Peek().Kind != TokenKind.Dedent && Peek().Kind != TokenKind.End) ExpectKind(TokenKind.Newline, "the end of the line");
        }
        if (Peek().Kind == TokenKind.Dedent) Next();
    }

    private void Declarations(List<NDeclaration> into)
    {
        Expect(":", "':'");
        IndentedLines(() => into.AddRange(Declaration(recordable: false)));
    }

    private IEnumerable<NDeclaration> Declaration(bool recordable)
    {
        var names = new List<Token> { ExpectKind(TokenKind.Name, "a variable name") };
        while (Accept(",")) names.Add(ExpectKind(TokenKind.Name, "a variable name"));
        if (Peek().Is("[")) throw Unsupported(Peek(), "vector variables ('name[size]')");
        var (typeText, type) = TypeExpression();
        NExpr? value = null;
        if (Accept("=")) value = Expression();
        if (Accept("[["))
        {
            Expression(); // an invariant: a check on the value, which does not change the dynamics
            Expect("]]", "']]' closing the invariant");
        }
        if (Peek().Is("@")) throw Unsupported(Peek(), "decorators ('@...')");
        return names.Select(n =>
        {
            var (name, primes) = SplitPrimes(n, allowDollar: true);
            return new NDeclaration(name, primes, typeText, type, value, n.Line, recordable);
        }).ToList();
    }

    private (string Name, int Primes) SplitPrimes(Token t, bool allowDollar = false)
    {
        if (!allowDollar && t.Text.Contains('$', StringComparison.Ordinal))
            throw Unsupported(t, $"'{t.Text}' here ('$' variables belong to kernels given by ODEs and their state declarations)");
        string name = t.Text.TrimEnd('\'');
        return (name, t.Text.Length - name.Length);
    }

    /// <summary>A type: <c>real</c>, <c>integer</c>, <c>boolean</c>, or a unit expression such as <c>pF/mV/ms</c> or <c>1/ms</c>.</summary>
    private (string Text, NExpr? Unit) TypeExpression()
    {
        var t = Peek();
        if (t.Kind == TokenKind.Name && PlainTypes.Contains(t.Text))
        {
            Next();
            return (t.Text, null);
        }
        int start = _at;
        var unit = UnitProduct();
        return (string.Concat(_tokens.Skip(start).Take(_at - start).Select(x => x.Text)), unit);
    }

    private NExpr UnitProduct()
    {
        var left = UnitPower();
        while (Peek().Is("*") || Peek().Is("/"))
        {
            var op = Next();
            left = new NBinary(op.Text, left, UnitPower(), op.Line);
        }
        return left;
    }

    private NExpr UnitPower()
    {
        var t = Next();
        NExpr atom = t.Kind switch
        {
            TokenKind.Name => new NName(t.Text, 0, t.Line),
            TokenKind.Number => new NNumber(t.Value, t.Line),
            _ when t.Is("(") => UnitGroup(),
            _ => throw Error(t, $"expected a type (real, integer, boolean or a unit such as mV), found {t}"),
        };
        if (!Accept("**")) return atom;
        bool negative = Accept("-");
        var exponent = ExpectKind(TokenKind.Number, "an exponent");
        return new NBinary("**", atom, new NNumber(negative ? -exponent.Value : exponent.Value, exponent.Line), t.Line);
    }

    private NExpr UnitGroup()
    {
        var inner = UnitProduct();
        Expect(")", "')'");
        return inner;
    }

    private void Equations(NModel model)
    {
        Expect(":", "':'");
        IndentedLines(() =>
        {
            var t = Peek();
            if (Accept("recordable"))
            {
                Expect("inline", "'inline' after 'recordable'");
                model.Inlines.AddRange(Declaration(recordable: true));
            }
            else if (Accept("inline")) model.Inlines.AddRange(Declaration(recordable: false));
            else if (Accept("kernel"))
            {
                var name = ExpectKind(TokenKind.Name, "the kernel's name");
                if (name.Text.EndsWith('\''))
                {
                    model.Kernels.Add(KernelSystem(name, t.Line));
                    return;
                }
                Expect("=", "'=' after the kernel's name");
                var value = Expression();
                if (Peek().Is(",")) throw Unsupported(Peek(), "several kernels in one 'kernel' statement");
                model.Kernels.Add(new(name.Text, value, t.Line));
            }
            else if (t.Kind == TokenKind.Name && t.Text.EndsWith('\''))
            {
                Next();
                var (name, primes) = SplitPrimes(t);
                Expect("=", "'=' in the differential equation");
                model.Odes.Add(new(name, primes, Expression(), t.Line));
            }
            else if (t.Kind == TokenKind.Name && Peek(1).Is("="))
                throw Unsupported(t, $"an algebraic equation '{t.Text} = ...' in the equations block (use 'inline')");
            else throw Error(t, $"expected 'inline', 'kernel' or an ODE such as \"V_m' = ...\" in the equations block, found {t}");
        });
    }

    /// <summary><c>kernel g' = ..., g$' = ...</c> after the 'kernel' keyword and the first name: first-order ODEs, one per variable.</summary>
    private NKernel KernelSystem(Token first, int line)
    {
        var variables = new List<NKernelVariable>();
        var t = first;
        while (true)
        {
            var (name, primes) = SplitPrimes(t, allowDollar: true);
            if (primes != 1) throw Unsupported(t, $"a kernel ODE of order {primes} ('{t.Text} = ...'; Meta takes first-order kernel ODEs with initial values)");
            if (variables.Any(v => v.Name == name)) throw Error(t, $"the kernel variable '{name}' has two ODEs");
            Expect("=", "'=' in the kernel's differential equation");
            variables.Add(new NKernelVariable(name, Expression(), t.Line));
            if (!Accept(",")) break;
            t = ExpectKind(TokenKind.Name, "the next kernel ODE (\"g$' = ...\")");
        }
        return new NKernel(variables[0].Name, null, line, variables);
    }

    private void Inputs(NModel model)
    {
        Expect(":", "':'");
        IndentedLines(() =>
        {
            var name = ExpectKind(TokenKind.Name, "an input port name");
            if (Peek().Is("[")) throw Unsupported(Peek(), "vector input ports ('name[size] <- ...')");
            NExpr? unit = null;
            if (!Peek().Is("<-")) unit = TypeExpression().Unit;
            Expect("<-", "'<-' in the input port");
            var qualifiers = new List<string>();
            while (Peek().Is("inhibitory") || Peek().Is("excitatory")) qualifiers.Add(Next().Text);
            var kind = ExpectKind(TokenKind.Name, "'spike' or 'continuous'");
            if (kind.Text == "spike")
            {
                if (Peek().Is("(")) throw Unsupported(Peek(), "spike input ports with attributes ('spike(...)')");
                model.Inputs.Add(new(name.Text, true, qualifiers, unit, name.Line));
            }
            else if (kind.Text == "continuous")
            {
                if (qualifiers.Count > 0) throw Error(kind, "a continuous input port takes no qualifiers");
                model.Inputs.Add(new(name.Text, false, qualifiers, unit, name.Line));
            }
            else throw Error(kind, $"expected 'spike' or 'continuous', found {kind}");
        });
    }

    private void Output(NModel model)
    {
        Expect(":", "':'");
        IndentedLines(() =>
        {
            var t = ExpectKind(TokenKind.Name, "'spike'");
            if (t.Text != "spike") throw Unsupported(t, $"output '{t.Text}' (Meta's cells emit spikes)");
            if (Peek().Is("(")) throw Unsupported(Peek(), "spike output with attributes ('spike(weight, delay)'), as synapse models have");
            model.EmitsSpikes = true;
        });
    }

    /// <summary>The statements of a block, after its ':'.</summary>
    private List<NStatement> Body()
    {
        var body = new List<NStatement>();
        if (Peek().Kind != TokenKind.Newline)
        {
            body.Add(Statement());
            return body;
        }
        IndentedLines(() => body.Add(Statement()));
        return body;
    }

    private NStatement Statement()
    {
        var t = Peek();
        if (t.Kind != TokenKind.Name) throw Error(t, $"expected a statement, found {t}");
        switch (t.Text)
        {
            case "if":
                return If();
            case "for":
            case "while":
                throw Unsupported(t, $"'{t.Text}' loops");
            case "return":
                if (!_inFunction) throw Unsupported(t, "'return' outside a function");
                Next();
                return new NReturn(Peek().Kind is TokenKind.Newline or TokenKind.Dedent or TokenKind.End ? null : Expression(), t.Line);
            case "elif":
            case "else":
                throw Error(t, $"'{t.Text}' without 'if'");
        }
        Next();
        if (Peek().Is("("))
        {
            Next();
            var args = Arguments();
            return new NCallStatement(new NCall(t.Text, args, t.Line), t.Line);
        }
        if (Peek().Kind == TokenKind.Operator && Peek().Text is "=" or "+=" or "-=" or "*=" or "/=")
        {
            var op = Next();
            var (name, primes) = SplitPrimes(t);
            return new NAssignment(name, primes, op.Text, Expression(), t.Line);
        }
        if (Peek().Kind == TokenKind.Name)
        {
            // A local variable: NAME TYPE = value (the type a unit expression, real, integer or boolean).
            var (typeText, type) = TypeExpression();
            Expect("=", $"'=' and a value after the local variable '{t.Text} {typeText}'");
            return new NLocal(t.Text, typeText, type, Expression(), t.Line);
        }
        throw Error(Peek(), $"expected '=', '+=', '-=', '*=', '/=' or a call after '{t.Text}', found {Peek()}");
    }

    private NIf If()
    {
        var first = Next();
        var branches = new List<(NExpr?, IReadOnlyList<NStatement>)>();
        var condition = Expression();
        Expect(":", "':' after the condition");
        branches.Add((condition, Body()));
        while (true)
        {
            // The body ended with a Newline already consumed by IndentedLines; elif/else follow on their own line.
            if (Peek().Is("elif"))
            {
                Next();
                var c = Expression();
                Expect(":", "':' after the condition");
                branches.Add((c, Body()));
            }
            else if (Peek().Is("else"))
            {
                Next();
                Expect(":", "':' after 'else'");
                branches.Add((null, Body()));
                break;
            }
            else break;
        }
        return new NIf(branches, first.Line);
    }

    private List<NExpr> Arguments()
    {
        var args = new List<NExpr>();
        if (Accept(")")) return args;
        do args.Add(Expression()); while (Accept(","));
        Expect(")", "')' closing the arguments");
        return args;
    }

    /// <summary>An expression (NESTML's precedence: <c>?:</c>, or, and, not, comparisons, + -, * / %, unary, **).</summary>
    public NExpr Expression()
    {
        var value = Or();
        if (!Peek().Is("?")) return value;
        var q = Next();
        var then = Expression();
        Expect(":", "':' in the conditional expression");
        return new NConditional(value, then, Expression(), q.Line);
    }

    private NExpr Or()
    {
        var left = And();
        while (Peek().Is("or") || Peek().Is("|"))
        {
            var op = Next();
            if (op.Text == "|") throw Unsupported(op, "the bitwise operator '|'");
            left = new NBinary("or", left, And(), op.Line);
        }
        return left;
    }

    private NExpr And()
    {
        var left = Not();
        while (Peek().Is("and") || Peek().Is("&"))
        {
            var op = Next();
            if (op.Text == "&") throw Unsupported(op, "the bitwise operator '&'");
            left = new NBinary("and", left, Not(), op.Line);
        }
        return left;
    }

    private NExpr Not()
    {
        if (Peek().Is("not") || Peek().Is("!"))
        {
            var op = Next();
            return new NUnary("not", Not(), op.Line);
        }
        return Comparison();
    }

    private NExpr Comparison()
    {
        var left = Additive();
        var t = Peek();
        if (t.Kind == TokenKind.Operator && t.Text is "<" or "<=" or ">" or ">=" or "==" or "!=")
        {
            Next();
            return new NBinary(t.Text, left, Additive(), t.Line);
        }
        if (t.Is("<-")) throw Error(t, "'<-' belongs in the input block (write '< -' for a comparison with a negative value)");
        return left;
    }

    private NExpr Additive()
    {
        var left = Multiplicative();
        while (Peek().Is("+") || Peek().Is("-"))
        {
            var op = Next();
            left = new NBinary(op.Text, left, Multiplicative(), op.Line);
        }
        return left;
    }

    private NExpr Multiplicative()
    {
        var left = Unary();
        while (Peek().Is("*") || Peek().Is("/") || Peek().Is("%"))
        {
            var op = Next();
            if (op.Text == "%") throw Unsupported(op, "the modulo operator '%'");
            left = new NBinary(op.Text, left, Unary(), op.Line);
        }
        return left;
    }

    private NExpr Unary()
    {
        if (Peek().Is("-") || Peek().Is("+"))
        {
            var op = Next();
            return new NUnary(op.Text, Unary(), op.Line);
        }
        if (Peek().Is("~")) throw Unsupported(Peek(), "the bitwise operator '~'");
        return Power();
    }

    private NExpr Power()
    {
        var atom = Atom();
        if (!Peek().Is("**") && !Peek().Is("^")) return atom;
        var op = Next();
        if (op.Text == "^") throw Unsupported(op, "the bitwise operator '^' (write '**' for a power)");
        return new NBinary("**", atom, Unary(), op.Line);
    }

    private NExpr Atom()
    {
        var t = Next();
        if (t.Kind == TokenKind.Number)
        {
            NExpr number = new NNumber(t.Value, t.Line);
            // A number followed by a name is a quantity with a unit: '250 pF', '30mV'.
            if (Peek().Kind == TokenKind.Name && !Keywords.Contains(Peek().Text) && !Peek(1).Is("("))
            {
                var unit = Next();
                number = new NBinary("*", number, new NName(unit.Text, 0, unit.Line), unit.Line);
            }
            return number;
        }
        if (t.Kind == TokenKind.String) throw Unsupported(t, "string literals");
        if (t.Is("("))
        {
            var inner = Expression();
            Expect(")", "')'");
            return inner;
        }
        if (t.Kind == TokenKind.Name)
        {
            if (Keywords.Contains(t.Text)) throw Error(t, $"expected a value, found '{t.Text}'");
            if (Peek().Is("("))
            {
                Next();
                return new NCall(t.Text, Arguments(), t.Line);
            }
            if (Peek().Is("[")) throw Unsupported(Peek(), "vector indexing ('name[i]')");
            var (name, primes) = SplitPrimes(t, allowDollar: true);
            return new NName(name, primes, t.Line);
        }
        throw Error(t, $"expected a value, found {t}");
    }
}
