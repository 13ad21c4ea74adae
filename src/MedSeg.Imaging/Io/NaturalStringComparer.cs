namespace MedSeg.Imaging.Io;

/// <summary>
/// Orders "slice_2" before "slice_10", so samples come out in acquisition order (LGG slices,
/// numbered frames) rather than in the order a plain string sort would give.
/// </summary>
internal sealed class NaturalStringComparer : IComparer<string>
{
    public static NaturalStringComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int byNumber = CompareNumberRuns(x, ref i, y, ref j);
                if (byNumber != 0)
                {
                    return byNumber;
                }

                continue;
            }

            int byChar = x[i].CompareTo(y[j]);
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        int byRest = (x.Length - i).CompareTo(y.Length - j);
        // Equal under natural order ("a01" vs "a1") still needs a total order for stable listings.
        return byRest != 0 ? byRest : string.CompareOrdinal(x, y);
    }

    private static int CompareNumberRuns(string x, ref int i, string y, ref int j)
    {
        int xStart = SkipZeros(x, i), yStart = SkipZeros(y, j);
        int xEnd = EndOfDigits(x, xStart), yEnd = EndOfDigits(y, yStart);
        i = xEnd;
        j = yEnd;

        // Without leading zeros, a longer run is a larger number; no overflow for long ids.
        int byLength = (xEnd - xStart).CompareTo(yEnd - yStart);
        if (byLength != 0)
        {
            return byLength;
        }

        return string.CompareOrdinal(x, xStart, y, yStart, xEnd - xStart);
    }

    private static int SkipZeros(string s, int k)
    {
        while (k < s.Length - 1 && s[k] == '0' && char.IsAsciiDigit(s[k + 1]))
        {
            k++;
        }

        return k;
    }

    private static int EndOfDigits(string s, int k)
    {
        while (k < s.Length && char.IsAsciiDigit(s[k]))
        {
            k++;
        }

        return k;
    }
}
