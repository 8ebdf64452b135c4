namespace GiantVm.Linux.Parsing;

/// <summary>Splits a span into tokens separated by runs of spaces and tabs, without allocating.</summary>
internal ref struct SpanTokenizer
{
    private ReadOnlySpan<char> _rest;

    public SpanTokenizer(ReadOnlySpan<char> text) => _rest = text;

    /// <summary>The text not consumed yet (leading separators included).</summary>
    public readonly ReadOnlySpan<char> Rest => _rest;

    public bool Next(out ReadOnlySpan<char> token)
    {
        var start = 0;
        while (start < _rest.Length && IsSeparator(_rest[start]))
        {
            start++;
        }

        if (start == _rest.Length)
        {
            _rest = default;
            token = default;
            return false;
        }

        var end = start;
        while (end < _rest.Length && !IsSeparator(_rest[end]))
        {
            end++;
        }

        token = _rest[start..end];
        _rest = _rest[end..];
        return true;
    }

    private static bool IsSeparator(char c) => c is ' ' or '\t' or '\r' or '\n';
}
