using System.Buffers;

namespace MedSeg.Pipeline.Tests.Support;

/// <summary>A MemoryPool that counts rents and returns, to prove every buffer goes back.</summary>
internal sealed class CountingMemoryPool : MemoryPool<byte>
{
    private long _rented, _returned;

    public long Rented => Interlocked.Read(ref _rented);
    public long Returned => Interlocked.Read(ref _returned);
    public override int MaxBufferSize => int.MaxValue;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        Interlocked.Increment(ref _rented);
        return new Owner(this, Shared.Rent(minBufferSize));
    }

    protected override void Dispose(bool disposing) { }

    private sealed class Owner(CountingMemoryPool pool, IMemoryOwner<byte> inner) : IMemoryOwner<byte>
    {
        private int _disposed;

        public Memory<byte> Memory => inner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Interlocked.Increment(ref pool._returned);
            inner.Dispose();
        }
    }
}
