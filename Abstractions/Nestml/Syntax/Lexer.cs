using System.Globalization;

namespace Meta.Nestml.Syntax;

/// <summary>
/// Splits NESTML text into tokens. Blocks are marked by indentation, as in Python: the lexer emits
/// <see cref="TokenKind.Indent"/> and <see cref="TokenKind.Dedent"/> tokens, and line ends (<see cref="TokenKind.Newline"/>)
/// except inside parentheses, after a backslash or after a trailing comma. <c>#</c> starts a comment.
/// </summary>
internal sealed class Lexer(string text, string file)
{
    private static readonly string[] Operators =
        ["**", "+=", "-=", "*=", "/=", "==", "!=", "<=", ">=", "<-", "[[", "]]",
         "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", ",", ":", "?", "[", "]", "!", "@", "~", "|", "&", "^", ".", "{", "}", ";"];

    private readonly List<Token> _tokens = [];
    private readonly Stack<int> _indents = new([0]);
    private int _pos;
    private int _line = 1;
    private int _depth;

    /// <summary>All tokens, ending with <see cref="TokenKind.End"/>.</summary>
    public List<Token> Tokenize()
    {
        bool lineStart = true;
        while (_pos < text.Length)
        {
            if (lineStart && _depth == 0)
            {
                lineStart = false;
                if (!Indentation()) { lineStart = true; continue; }
            }
            char c = text[_pos];
            // A line ending in ',' goes on (kernel ODE systems: "kernel g' = ...,\n g$' = ...").
            if (c == '\n' && _tokens.Count > 0 && _tokens[^1] is { Kind: TokenKind.Operator, Text: "," }) { _pos++; _line++; continue; }
            if (c == '\n') { NewLine(); lineStart = true; continue; }
            if (c is ' ' or '\t' or '\r') { _pos++; continue; }
            if (c == '#') { SkipComment(); continue; }
            if (c == '\\' && NextIsLineEnd()) { SkipToNextLine(); continue; }
            if (char.IsDigit(c) || (c == '.' && _pos + 1 < text.Length && char.IsDigit(text[_pos + 1]))) { Number(); continue; }
            if (char.IsLetter(c) || c == '_') { Name(); continue; }
            if (c == '"') { StringLiteral(); continue; }
            Operator();
        }
        if (_tokens.Count > 0 && _tokens[^1].Kind != TokenKind.Newline) Add(TokenKind.Newline, "");
        while (_indents.Count > 1) { _indents.Pop(); Add(TokenKind.Dedent, ""); }
        Add(TokenKind.End, "");
        return _tokens;
    }

    private void Add(TokenKind kind, string s, double value = 0) => _tokens.Add(new(kind, s, value, _line));

    private NestmlException Error(string message) => new(file, _line, message);

    /// <summary>Reads the indentation of a line; false for a blank or comment-only line (skipped).</summary>
    private bool Indentation()
    {
        int width = 0;
        while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\r')
        {
            width += text[_pos] == '\t' ? 4 - width % 4 : text[_pos] == ' ' ? 1 : 0;
            _pos++;
        }
        if (_pos >= text.Length) return false;
        if (text[_pos] == '\n') { _pos++; _line++; return false; }
        if (text[_pos] == '#') { SkipComment(); if (_pos < text.Length) { _pos++; _line++; } return false; }
        if (width > _indents.Peek())
        {
            _indents.Push(width);
            Add(TokenKind.Indent, "");
        }
        else
        {
            while (width < _indents.Peek())
            {
                _indents.Pop();
                Add(TokenKind.Dedent, "");
            }
            if (width != _indents.Peek()) throw Error("the indentation does not match any enclosing block");
        }
        return true;
    }

    private void NewLine()
    {
        if (_depth == 0 && _tokens.Count > 0 && _tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Indent or TokenKind.Dedent))
            Add(TokenKind.Newline, "");
        _pos++;
        _line++;
    }

    private void SkipComment()
    {
        while (_pos < text.Length && text[_pos] != '\n') _pos++;
    }

    private bool NextIsLineEnd()
    {
        int p = _pos + 1;
        while (p < text.Length && text[p] is ' ' or '\t' or '\r') p++;
        return p >= text.Length || text[p] == '\n';
    }

    private void SkipToNextLine()
    {
        SkipComment();
        if (_pos < text.Length) { _pos++; _line++; }
    }

    private void Number()
    {
        int start = _pos;
        while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
        if (_pos < text.Length && text[_pos] == '.')
        {
            _pos++;
            while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
        }
        if (_pos < text.Length && text[_pos] is 'e' or 'E')
        {
            int save = _pos++;
            if (_pos < text.Length && text[_pos] is '+' or '-') _pos++;
            if (_pos < text.Length && char.IsDigit(text[_pos]))
                while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
            else _pos = save;
        }
        string s = text[start.._pos];
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) throw Error($"bad number '{s}'");
        Add(TokenKind.Number, s, value);
    }

    private void Name()
    {
        int start = _pos;
        while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
        while (_pos < text.Length && text[_pos] is '\'' or '$') _pos++;
        Add(TokenKind.Name, text[start.._pos]);
    }

    private void StringLiteral()
    {
        int start = _pos++;
        while (_pos < text.Length && text[_pos] != '"' && text[_pos] != '\n') _pos++;
        if (_pos >= text.Length || text[_pos] != '"') throw Error("unterminated string");
        _pos++;
        Add(TokenKind.String, text[start.._pos]);
    }

    private void Operator()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(text, _pos, op, 0, op.Length) != 0) continue;
            _pos += op.Length;
            if (op is "(" or "[" or "[[" or "{") _depth++;
            if (op is ")" or "]" or "]]" or "}") _depth = Math.Max(0, _depth - 1);
            Add(TokenKind.Operator, op);
            return;
        }
        throw Error($"unexpected character '{text[_pos]}'");
    }
}
