namespace MedSeg.Core.Recording;

/// <summary>
/// Run-length coding of class-id masks: (class id u8, run length unsigned LEB128 ≥ 1) pairs,
/// row-major over the whole mask.
/// </summary>
public static class RunLength
{
    /// <summary>Upper bound of the encoded size of <paramref name="pixels"/> pixels.</summary>
    public static int MaxEncodedLength(int pixels) => checked(pixels * 2 + 8);

    /// <returns>bytes written to <paramref name="output"/> (at least <see cref="MaxEncodedLength"/> long).</returns>
    public static int Encode(ReadOnlySpan<byte> mask, Span<byte> output)
    {
        int o = 0, i = 0;
        while (i < mask.Length)
        {
            byte v = mask[i];
            int start = i;
            // IndexOfAnyExcept is vectorised: long background runs cost next to nothing.
            int next = mask[i..].IndexOfAnyExcept(v);
            i = next < 0 ? mask.Length : i + next;
            output[o++] = v;
            uint run = (uint)(i - start);
            while (run >= 0x80)
            {
                output[o++] = (byte)(run | 0x80);
                run >>= 7;
            }
            output[o++] = (byte)run;
        }
        return o;
    }

    /// <summary>Decodes exactly <c>mask.Length</c> pixels.</summary>
    /// <exception cref="InvalidDataException">runs that do not add up to the mask, a zero run, or a bad varint.</exception>
    public static void Decode(ReadOnlySpan<byte> data, Span<byte> mask)
    {
        int i = 0, o = 0;
        while (i < data.Length)
        {
            byte v = data[i++];
            uint run = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (i >= data.Length) throw new InvalidDataException($"run-length data ends inside a run length (after {o} pixels)");
                if (shift > 28) throw new InvalidDataException("run-length varint longer than 5 bytes");
                byte b = data[i++];
                run |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
            }
            if (run == 0) throw new InvalidDataException($"zero-length run after {o} pixels");
            if (run > (uint)(mask.Length - o)) throw new InvalidDataException($"runs exceed the mask's {mask.Length} pixels (at pixel {o})");
            mask.Slice(o, (int)run).Fill(v);
            o += (int)run;
        }
        if (o != mask.Length) throw new InvalidDataException($"runs cover {o} of the mask's {mask.Length} pixels");
    }
}
