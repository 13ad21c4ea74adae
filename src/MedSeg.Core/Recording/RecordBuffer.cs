using System.Buffers;

namespace MedSeg.Core.Recording;

/// <summary>A growable byte buffer the writer reuses for every record (an IBufferWriter with direct array access).</summary>
internal sealed class RecordBuffer(int initial = 1 << 16) : IBufferWriter<byte>
{
    private byte[] _data = new byte[initial];

    public int Length { get; private set; }

    public byte[] Array => _data;

    public Span<byte> Written => _data.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Length + count > _data.Length) throw new InvalidOperationException("advanced past the buffer");
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsSpan(Length);
    }

    private void Ensure(int sizeHint)
    {
        int need = Length + Math.Max(sizeHint, 256);
        if (need <= _data.Length) return;
        System.Array.Resize(ref _data, Math.Max(need, checked(_data.Length * 2)));
    }
}
