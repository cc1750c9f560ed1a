namespace Meta.Nestml.Syntax;

/// <summary>The kinds of NESTML tokens.</summary>
internal enum TokenKind
{
    /// <summary>A name, with its primes (<c>V_m'</c>) and a trailing <c>$</c> where written.</summary>
    Name,
    /// <summary>A number literal.</summary>
    Number,
    /// <summary>A string literal.</summary>
    String,
    /// <summary>An operator or punctuation.</summary>
    Operator,
    /// <summary>The end of a logical line.</summary>
    Newline,
    /// <summary>A deeper indentation than the line before: a block starts.</summary>
    Indent,
    /// <summary>A shallower indentation: a block ends.</summary>
    Dedent,
    /// <summary>The end of the text.</summary>
    End,
}

/// <summary>One token and the line it starts on.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Text">The text as written.</param>
/// <param name="Value">For numbers, the value.</param>
/// <param name="Line">The 1-based line.</param>
internal sealed record Token(TokenKind Kind, string Text, double Value, int Line)
{
    /// <summary>Whether this is the operator or name <paramref name="text"/>.</summary>
    public bool Is(string text) => Kind is TokenKind.Operator or TokenKind.Name && Text == text;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TokenKind.Newline => "end of line",
        TokenKind.Indent => "indentation",
        TokenKind.Dedent => "end of block",
        TokenKind.End => "end of file",
        _ => $"'{Text}'",
    };
}
