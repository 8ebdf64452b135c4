namespace GiantVm.Linux.Parsing;

/// <summary>Line-by-line walk with 1-based line numbers, for error messages.</summary>
internal ref struct Lines
{
    private ReadOnlySpan<char> _rest;

    public Lines(ReadOnlySpan<char> text) => _rest = text;

    public int Number { get; private set; }

    public bool Next(out ReadOnlySpan<char> line)
    {
        if (_rest.IsEmpty)
        {
            line = default;
            return false;
        }

        Number++;
        var nl = _rest.IndexOf('\n');
        if (nl < 0)
        {
            line = _rest;
            _rest = default;
        }
        else
        {
            line = _rest[..nl];
            _rest = _rest[(nl + 1)..];
        }

        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        return true;
    }
}
