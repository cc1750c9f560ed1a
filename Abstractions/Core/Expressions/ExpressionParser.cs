using System.Collections.Immutable;
using System.Globalization;

namespace Meta.Expressions;

/// <summary>
/// Parses Meta's equation syntax: numbers, names, <c>+ - * / ** ^</c>, comparisons
/// (<c>&lt; &lt;= &gt; &gt;= == !=</c>), <c>and or not</c> (also <c>&amp;&amp; || !</c>),
/// <c>a if cond else b</c>, parentheses and the functions in <see cref="MathFunctions"/>.
/// Precedence follows Python. The parser never evaluates code: only these forms are accepted.
/// </summary>
public static class ExpressionParser
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="ExpressionSyntaxException"/> on bad input.</summary>
    public static Expr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var result = parser.ParseConditional();
        parser.ExpectEnd();
        return result;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private bool Accept(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0) return false;
            // Keywords must not be followed by a name character.
            if (char.IsLetter(token[0]) && _pos + token.Length < text.Length && IsNameChar(text[_pos + token.Length]))
                return false;
            _pos += token.Length;
            return true;
        }

        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '.';

        private ExpressionSyntaxException Error(string message) =>
            new($"{message} at position {_pos} in '{text}'.");

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length) throw Error($"Unexpected '{text[_pos]}'");
        }

        public Expr ParseConditional()
        {
            var value = ParseOr();
            if (Accept("if"))
            {
                var condition = ParseOr();
                if (!Accept("else")) throw Error("Expected 'else'");
                var other = ParseConditional();
                return new ConditionalExpr(condition, value, other);
            }
            return value;
        }

        private Expr ParseOr()
        {
            var left = ParseAnd();
            while (Accept("or") || Accept("||")) left = new BinaryExpr(BinaryOperator.Or, left, ParseAnd());
            return left;
        }

        private Expr ParseAnd()
        {
            var left = ParseNot();
            while (Accept("and") || Accept("&&")) left = new BinaryExpr(BinaryOperator.And, left, ParseNot());
            return left;
        }

        private Expr ParseNot()
        {
            if (Accept("not")) return new NotExpr(ParseNot());
            SkipSpace();
            if (_pos + 1 < text.Length && text[_pos] == '!' && text[_pos + 1] != '=')
            {
                _pos++;
                return new NotExpr(ParseNot());
            }
            return ParseComparison();
        }

        private Expr ParseComparison()
        {
            var left = ParseAdditive();
            BinaryOperator? op =
                Accept("<=") ? BinaryOperator.LessOrEqual :
                Accept(">=") ? BinaryOperator.GreaterOrEqual :
                Accept("==") ? BinaryOperator.Equal :
                Accept("!=") ? BinaryOperator.NotEqual :
                Accept("<") ? BinaryOperator.Less :
                Accept(">") ? BinaryOperator.Greater : null;
            return op is null ? left : new BinaryExpr(op.Value, left, ParseAdditive());
        }

        private Expr ParseAdditive()
        {
            var left = ParseMultiplicative();
            while (true)
            {
                if (Accept("+")) left = new BinaryExpr(BinaryOperator.Add, left, ParseMultiplicative());
                else if (Accept("-")) left = new BinaryExpr(BinaryOperator.Subtract, left, ParseMultiplicative());
                else return left;
            }
        }

        private Expr ParseMultiplicative()
        {
            var left = ParseUnary();
            while (true)
            {
                SkipSpace();
                if (_pos + 1 < text.Length && text[_pos] == '*' && text[_pos + 1] == '*') return left; // handled by power
                if (Accept("*")) left = new BinaryExpr(BinaryOperator.Multiply, left, ParseUnary());
                else if (Accept("/")) left = new BinaryExpr(BinaryOperator.Divide, left, ParseUnary());
                else return left;
            }
        }

        private Expr ParseUnary()
        {
            if (Accept("-")) return new NegateExpr(ParseUnary());
            if (Accept("+")) return ParseUnary();
            return ParsePower();
        }

        private Expr ParsePower()
        {
            var baseExpr = ParseAtom();
            if (Accept("**") || Accept("^")) return new BinaryExpr(BinaryOperator.Power, baseExpr, ParseUnary());
            return baseExpr;
        }

        private Expr ParseAtom()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("Unexpected end of expression");
            char c = text[_pos];
            if (Accept("("))
            {
                var inner = ParseConditional();
                if (!Accept(")")) throw Error("Expected ')'");
                return inner;
            }
            if (char.IsDigit(c) || (c == '.' && _pos + 1 < text.Length && char.IsDigit(text[_pos + 1]))) return ParseNumber();
            if (char.IsLetter(c) || c == '_')
            {
                int start = _pos;
                while (_pos < text.Length && IsNameChar(text[_pos])) _pos++;
                string name = text[start.._pos];
                if (Accept("("))
                {
                    if (!MathFunctions.Arity.TryGetValue(name, out int arity))
                        throw Error($"Unknown function '{name}' (known: {string.Join(", ", MathFunctions.Arity.Keys)})");
                    var args = ImmutableArray.CreateBuilder<Expr>();
                    if (!Accept(")"))
                    {
                        do args.Add(ParseConditional()); while (Accept(","));
                        if (!Accept(")")) throw Error("Expected ')'");
                    }
                    if (args.Count != arity) throw Error($"Function '{name}' takes {arity} argument(s), got {args.Count}");
                    return new CallExpr(name, args.ToImmutable());
                }
                if (name is "True" or "true") return new NumberExpr(1);
                if (name is "False" or "false") return new NumberExpr(0);
                return MathFunctions.Constants.TryGetValue(name, out double k) ? new NumberExpr(k) : new SymbolExpr(name);
            }
            throw Error($"Unexpected '{c}'");
        }

        private NumberExpr ParseNumber()
        {
            int start = _pos;
            while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            if (_pos < text.Length && (text[_pos] == 'e' || text[_pos] == 'E'))
            {
                int save = _pos++;
                if (_pos < text.Length && (text[_pos] == '+' || text[_pos] == '-')) _pos++;
                if (_pos < text.Length && char.IsDigit(text[_pos]))
                    while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
                else _pos = save;
            }
            var span = text.AsSpan(start, _pos - start);
            if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw Error($"Bad number '{span}'");
            return new NumberExpr(value);
        }
    }
}

/// <summary>Raised when an expression's text cannot be parsed.</summary>
public sealed class ExpressionSyntaxException(string message) : Exception(message);
