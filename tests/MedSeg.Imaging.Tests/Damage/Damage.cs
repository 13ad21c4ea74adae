using System.Buffers.Binary;
using System.Diagnostics;
using CsCheck;
using MedSeg.Imaging.Formats;

namespace MedSeg.Imaging.Tests.Damage;

/// <summary>Generated damage to a valid file, and the outcome every reader owes it: it reads, or it names the file and says why.</summary>
internal static class Damage
{
    private static readonly uint[] s_extremes = [0u, 1u, 0x7FFFu, 0xFFFFu, 0x7FFF_FFFFu, 0xFFFF_FFFFu, 300_000_000u];

    /// <summary>Cases per property; scripts/fuzz.sh raises it (MEDSEG_FUZZ_ITER).</summary>
    public static long Iterations(long ci) =>
        long.TryParse(Environment.GetEnvironmentVariable("MEDSEG_FUZZ_ITER"), out long n) && n > 0 ? n : ci;

    /// <summary>A cut at a random length, 1–8 flipped bytes, or a 2- or 4-byte field overwritten with an extreme value.</summary>
    public static Gen<Func<byte[], byte[]>> Of(int length, int protectPrefix = 0) => Gen.OneOf(
        Gen.Int[0, length - 1].Select(Truncate),
        Gen.Select(Gen.Int[protectPrefix, length - 1], Gen.Byte[1, 255]).Array[1, 8].Select(Flip),
        Gen.Select(Gen.Int[protectPrefix, length - 4], Gen.Int[0, 6].Select(i => s_extremes[i]), Gen.Bool)
           .Select(Overwrite));

    private static Func<byte[], byte[]> Truncate(int at) => b => b[..at];

    private static Func<byte[], byte[]> Flip((int At, byte Xor)[] flips) => b =>
    {
        var c = (byte[])b.Clone();
        foreach (var (at, xor) in flips) c[at % c.Length] ^= xor;
        return c;
    };

    private static Func<byte[], byte[]> Overwrite((int At, uint Value, bool Wide) f) => b =>
    {
        var c = (byte[])b.Clone();
        if (f.Wide) BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(f.At), f.Value);
        else BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(f.At), (ushort)f.Value);
        return c;
    };

    /// <summary>
    /// Runs <paramref name="read"/> on a damaged file: it must finish without hanging (a generous bound,
    /// a hang detector rather than a speed test), allocate boundedly, and either succeed or throw a
    /// <see cref="MedicalFormatException"/> naming <paramref name="path"/>.
    /// </summary>
    public static void Outcome(string path, Action read, long maxAllocatedBytes = 256L << 20)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            read();
        }
        catch (MedicalFormatException e)
        {
            Assert.True(e.Path == path || e.Path.StartsWith(path, StringComparison.Ordinal), $"names {e.Path}, not {path}: {e.Message}");
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{path}: took {clock.Elapsed} (a hang)");
        Assert.True(allocated < maxAllocatedBytes, $"{path}: allocated {allocated} bytes");
    }

    /// <summary>Opens <paramref name="stack"/> and reads every slice into one reused buffer.</summary>
    public static void ReadAll(ISliceStack stack, string path)
    {
        using (stack)
        {
            var buffer = new byte[(long)stack.Width * stack.Height * Core.Frames.PixelFormatExtensions.BytesPerPixel(stack.Format)];
            for (int i = 0; i < stack.Count; i++)
            {
                try { stack.Read(i, buffer); }
                catch (MedicalFormatException e) // one slice; the others must still read
                {
                    Assert.StartsWith(path, e.Path);
                }
            }
        }
    }
}
