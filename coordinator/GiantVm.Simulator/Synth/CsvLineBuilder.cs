using System.Buffers;
using System.Buffers.Text;

namespace GiantVm.Simulator.Synth;

/// <summary>Builds trace CSV lines as UTF-8 bytes without allocating per field.</summary>
internal sealed class CsvLineBuilder
{
    private static readonly StandardFormat Decimal = new('F', 5);
    private byte[] _buffer = new byte[1 << 16];
    private int _length;
    private bool _lineStarted;

    public int Length => _length;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public void Clear()
    {
        _length = 0;
        _lineStarted = false;
    }

    public CsvLineBuilder Int(long value)
    {
        Separator();
        Ensure(24);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int written);
        _length += written;
        return this;
    }

    public CsvLineBuilder Real(double value)
    {
        Separator();
        Ensure(40);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int written, Decimal);
        _length += written;
        return this;
    }

    public CsvLineBuilder Text(string value)
    {
        Separator();
        Ensure(value.Length * 3);
        _length += System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        return this;
    }

    public CsvLineBuilder Empty()
    {
        Separator();
        return this;
    }

    public void EndLine()
    {
        Ensure(1);
        _buffer[_length++] = (byte)'\n';
        _lineStarted = false;
    }

    private void Separator()
    {
        if (_lineStarted)
        {
            Ensure(1);
            _buffer[_length++] = (byte)',';
        }

        _lineStarted = true;
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}
