namespace MedSeg.Imaging.Phantoms;

/// <summary>Derives per-sample seeds, so sample i is the same whatever was loaded before it.</summary>
/// <remarks>
/// NOTE: <see cref="HashCode.Combine{T1,T2}"/> is randomised per process, so it would give
/// different images on every run; this is a fixed SplitMix64 finaliser instead.
/// </remarks>
internal static class SeedMixer
{
    public static int HashCombine(int seed, long index)
    {
        ulong z = Mix((ulong)(uint)seed + 0x9E3779B97F4A7C15UL);
        z = Mix(z ^ (ulong)index);
        return (int)(z & 0x7FFF_FFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
