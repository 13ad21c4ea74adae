using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MedSeg.Imaging.Formats.Dicom;

/// <summary>
/// Reads DICOM Part 10 files (128-byte preamble, "DICM", file meta group) in Implicit or Explicit
/// VR Little Endian with uncompressed pixel data, 8 or 16 bits, signed or unsigned, grey or RGB,
/// single- or multi-frame. Everything else is refused with a message that says what it is.
/// </summary>
/// <remarks>
/// Files are untrusted: every length is checked against the bytes left in the file before it is
/// used, values are only kept for the handful of tags the player needs (and only when short), and
/// nested sequences are skipped without being materialised, to a bounded depth. The header is
/// parsed up to the Pixel Data element; pixels are read per frame with <see cref="ReadFrame"/>.
/// </remarks>
public static class DicomFile
{
    private const int MaxKeptValue = 1024;
    private const int MaxDepth = 16;
    private const uint Undefined = 0xFFFFFFFF;
    private const long MaxFrameBytes = 1L << 30;

    private static readonly HashSet<DicomTag> s_kept =
    [
        DicomTag.Modality, DicomTag.SeriesInstanceUid, DicomTag.InstanceNumber, DicomTag.ImagePositionPatient,
        DicomTag.ImageOrientationPatient, DicomTag.SamplesPerPixel, DicomTag.PhotometricInterpretation,
        DicomTag.PlanarConfiguration, DicomTag.NumberOfFrames, DicomTag.Rows, DicomTag.Columns,
        DicomTag.BitsAllocated, DicomTag.BitsStored, DicomTag.PixelRepresentation, DicomTag.WindowCenter,
        DicomTag.WindowWidth, DicomTag.RescaleIntercept, DicomTag.RescaleSlope,
        // Geometry and identity, for FrameGeometry (label volumes and DICOM SEG point back at the source with them).
        DicomTag.SopClassUid, DicomTag.SopInstanceUid, DicomTag.StudyInstanceUid, DicomTag.FrameOfReferenceUid,
        DicomTag.PixelSpacing, DicomTag.SliceThickness, DicomTag.SpacingBetweenSlices,
        .. DicomImageInfo.PatientAndStudyTags,
    ];

    // Explicit VRs whose length is a 32-bit field after two reserved bytes (PS3.5 §7.1.2).
    private static readonly HashSet<string> s_longVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    /// <summary>Parses the header and locates the pixels.</summary>
    /// <exception cref="MedicalFormatException">Not DICOM, truncated, corrupt, compressed or an unsupported pixel layout.</exception>
    public static DicomImageInfo ReadHeader(string path)
    {
        using var stream = OpenOrThrow(path);
        var r = new ElementReader(stream, path);
        Span<byte> magic = stackalloc byte[4];
        if (stream.Length < 132) throw new MedicalFormatException(path, $"not a DICOM Part 10 file: only {stream.Length} bytes, less than the 128-byte preamble + \"DICM\"");
        stream.Position = 128;
        stream.ReadExactly(magic);
        if (!magic.SequenceEqual("DICM"u8)) throw new MedicalFormatException(path, "not a DICOM Part 10 file (no \"DICM\" after the 128-byte preamble)", 128);

        var values = new Dictionary<DicomTag, byte[]>();
        string? tsUid = null;
        while (r.Remaining >= 8 && r.PeekGroup() == 0x0002)
        {
            var e = r.ReadElementHeader(explicitVr: true);
            if (e.Length == Undefined) throw new MedicalFormatException(path, $"file meta element {e.Tag} has undefined length", e.Offset);
            if (e.Tag == DicomTag.TransferSyntaxUid && e.Length <= MaxKeptValue) tsUid = Text(r.ReadValue(e));
            else r.Skip(e);
        }
        if (tsUid is null) throw new MedicalFormatException(path, "the file meta information has no Transfer Syntax UID (0002,0010)", 132);
        var syntax = DicomTransferSyntax.FromUid(tsUid);
        if (!syntax.IsSupported)
            throw new MedicalFormatException(path, $"transfer syntax {syntax} is not supported: only uncompressed Implicit/Explicit VR Little Endian is read (decompress first, e.g. `dcmdjpeg in.dcm out.dcm` or `dcmconv +te`)");

        long pixelOffset = -1, pixelLength = 0;
        while (r.Remaining >= 8)
        {
            var e = r.ReadElementHeader(syntax.ExplicitVr);
            if (e.Tag == DicomTag.PixelData)
            {
                if (e.Length == Undefined)
                    throw new MedicalFormatException(path, "Pixel Data is encapsulated (compressed fragments) although the transfer syntax says uncompressed", e.Offset);
                r.CheckFits(e);
                (pixelOffset, pixelLength) = (e.ValueOffset, e.Length);
                break;
            }
            if (e.Length == Undefined) r.SkipSequence(syntax.ExplicitVr && e.Vr != "UN", 1);
            else if (s_kept.Contains(e.Tag) && e.Length <= MaxKeptValue) values[e.Tag] = r.ReadValue(e);
            else r.Skip(e);
        }
        if (pixelOffset < 0) throw new MedicalFormatException(path, "no Pixel Data (7FE0,0010): not an image (e.g. a DICOMDIR, report or presentation state)");
        return Interpret(path, syntax, values, syntax.ExplicitVr, pixelOffset, pixelLength);
    }

    /// <summary>Reads the stored bytes of frame <paramref name="frame"/> (<see cref="DicomImageInfo.FrameBytes"/> long).</summary>
    public static void ReadFrame(DicomImageInfo info, int frame, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, info.Frames);
        int bytes = checked((int)info.FrameBytes);
        long at = info.PixelDataOffset + frame * info.FrameBytes;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(info.Path);
            int read = 0;
            while (read < bytes)
            {
                int n = RandomAccess.Read(handle, destination.Slice(read, bytes - read), at + read);
                if (n == 0) throw new MedicalFormatException(info.Path, $"file ends inside frame {frame} ({read} of {bytes} bytes read); truncated since it was opened", at + read);
                read += n;
            }
        }
        catch (IOException e)
        {
            throw new MedicalFormatException(info.Path, $"cannot read frame {frame}: {e.Message}", at, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MedicalFormatException(info.Path, $"cannot read frame {frame}: {e.Message}", at, e);
        }
    }

    private static FileStream OpenOrThrow(string path)
    {
        if (Core.Limits.InputFiles.Problem(path) is { } notAFile) throw new MedicalFormatException(path, notAFile);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MedicalFormatException(path, $"cannot open: {e.Message}", null, e);
        }
    }

    private static DicomImageInfo Interpret(string path, DicomTransferSyntax syntax, Dictionary<DicomTag, byte[]> v, bool explicitVr,
                                            long pixelOffset, long pixelLength)
    {
        int rows = UShort(v, DicomTag.Rows) ?? throw Missing(path, "Rows (0028,0010)");
        int columns = UShort(v, DicomTag.Columns) ?? throw Missing(path, "Columns (0028,0011)");
        int bitsAllocated = UShort(v, DicomTag.BitsAllocated) ?? throw Missing(path, "Bits Allocated (0028,0100)");
        int samples = UShort(v, DicomTag.SamplesPerPixel) ?? 1;
        int bitsStored = UShort(v, DicomTag.BitsStored) ?? bitsAllocated;
        int pixelRep = UShort(v, DicomTag.PixelRepresentation) ?? 0;
        string photometric = Text(v, DicomTag.PhotometricInterpretation) ?? (samples == 3 ? "RGB" : "MONOCHROME2");
        int frames = Ints(v, DicomTag.NumberOfFrames) is [var f] ? f : 1;

        if (rows == 0 || columns == 0) throw new MedicalFormatException(path, $"image is {columns}×{rows} pixels");
        if (bitsAllocated is not (8 or 16)) throw new MedicalFormatException(path, $"Bits Allocated {bitsAllocated} is not supported (only 8 and 16)");
        if (bitsStored < 1 || bitsStored > bitsAllocated) throw new MedicalFormatException(path, $"Bits Stored {bitsStored} does not fit Bits Allocated {bitsAllocated}");
        if (pixelRep is not (0 or 1)) throw new MedicalFormatException(path, $"Pixel Representation {pixelRep} is neither 0 (unsigned) nor 1 (signed)");
        if (frames < 1) throw new MedicalFormatException(path, $"Number of Frames {frames} is not positive");
        // Caps before anything is allocated: a lying header must not cost gigabytes or hours.
        var limits = Core.Limits.InputLimits.Current;
        if (limits.ImageProblem(columns, rows, samples * (bitsAllocated / 8)) is { } tooLarge) throw new MedicalFormatException(path, tooLarge);
        if (limits.FramesProblem(frames) is { } tooMany) throw new MedicalFormatException(path, $"Number of Frames: {tooMany}");
        bool grey = samples == 1 && photometric is "MONOCHROME1" or "MONOCHROME2";
        bool rgb = samples == 3 && photometric == "RGB" && bitsAllocated == 8;
        if (!grey && !rgb)
            throw new MedicalFormatException(path, $"{samples} sample(s) per pixel, {photometric}, {bitsAllocated} bit is not supported (only MONOCHROME1/2 grey and 8-bit RGB)");
        long frameBytes = (long)rows * columns * samples * (bitsAllocated / 8);
        if (frameBytes > MaxFrameBytes) throw new MedicalFormatException(path, $"one frame of {columns}×{rows}×{samples} would take {frameBytes} bytes (limit {MaxFrameBytes})");
        long needed = frameBytes * frames;
        if (pixelLength < needed)
            throw new MedicalFormatException(path, $"Pixel Data holds {pixelLength} bytes but {columns}×{rows}×{samples}×{bitsAllocated / 8} bytes × {frames} frame(s) needs {needed}", pixelOffset);

        double slope = Doubles(v, DicomTag.RescaleSlope) is [var s, ..] && s != 0 ? s : 1;
        double intercept = Doubles(v, DicomTag.RescaleIntercept) is [var i, ..] ? i : 0;
        DisplayWindow? window = Doubles(v, DicomTag.WindowCenter) is [var c, ..] && Doubles(v, DicomTag.WindowWidth) is [var w, ..] && w > 0
            ? new DisplayWindow(c, w) : null;
        return new DicomImageInfo
        {
            Path = path,
            TransferSyntax = syntax,
            Modality = Text(v, DicomTag.Modality) ?? "",
            SeriesInstanceUid = Text(v, DicomTag.SeriesInstanceUid) ?? "",
            StudyInstanceUid = Text(v, DicomTag.StudyInstanceUid) ?? "",
            PatientAndStudy = DicomImageInfo.PatientAndStudyTags.Where(v.ContainsKey).ToDictionary(t => t, t => Text(v, t)!),
            FrameOfReferenceUid = Text(v, DicomTag.FrameOfReferenceUid) ?? "",
            SopInstanceUid = Text(v, DicomTag.SopInstanceUid) ?? "",
            SopClassUid = Text(v, DicomTag.SopClassUid) ?? "",
            PixelSpacing = Doubles(v, DicomTag.PixelSpacing) is [var sr, var sc] && sr > 0 && sc > 0 ? [sr, sc] : null,
            SliceThickness = Doubles(v, DicomTag.SliceThickness) is [var th] && th > 0 ? th : null,
            SpacingBetweenSlices = Doubles(v, DicomTag.SpacingBetweenSlices) is [var sb] && sb > 0 ? sb : null,
            InstanceNumber = Ints(v, DicomTag.InstanceNumber) is [var n, ..] ? n : null,
            Position = Doubles(v, DicomTag.ImagePositionPatient) is { Length: 3 } p ? p : null,
            Orientation = Doubles(v, DicomTag.ImageOrientationPatient) is { Length: 6 } o ? o : null,
            Rows = rows,
            Columns = columns,
            Frames = frames,
            SamplesPerPixel = samples,
            Photometric = photometric,
            PlanarConfiguration = UShort(v, DicomTag.PlanarConfiguration) ?? 0,
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            PixelRepresentation = pixelRep,
            Rescale = new Rescale(slope, intercept),
            Window = window,
            PixelDataOffset = pixelOffset,
            PixelDataLength = pixelLength,
        };
    }

    private static MedicalFormatException Missing(string path, string what) => new(path, $"no {what}: not an image this reader understands");

    private static int? UShort(Dictionary<DicomTag, byte[]> v, DicomTag tag) =>
        v.TryGetValue(tag, out var b) && b.Length >= 2 ? b[0] | (b[1] << 8) : null;

    private static string? Text(Dictionary<DicomTag, byte[]> v, DicomTag tag) => v.TryGetValue(tag, out var b) ? Text(b) : null;

    private static string Text(byte[] b) => Encoding.ASCII.GetString(b).Trim(' ', '\0');

    // DS and IS values are backslash-separated decimal strings; an unparsable one counts as absent.
    private static double[]? Doubles(Dictionary<DicomTag, byte[]> v, DicomTag tag)
    {
        if (Text(v, tag) is not { Length: > 0 } s) return null;
        var parts = s.Split('\\');
        var result = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !double.IsFinite(result[i])) return null;
        return result;
    }

    private static int[]? Ints(Dictionary<DicomTag, byte[]> v, DicomTag tag) =>
        Doubles(v, tag) is { } d && d.All(x => x == Math.Round(x) && Math.Abs(x) < int.MaxValue) ? d.Select(x => (int)x).ToArray() : null;

    private readonly record struct ElementHeader(DicomTag Tag, string? Vr, uint Length, long Offset, long ValueOffset);

    /// <summary>Walks element headers with every length checked against the file.</summary>
    private sealed class ElementReader(FileStream stream, string path)
    {
        private readonly byte[] _buffer = new byte[8];

        public long Remaining => stream.Length - stream.Position;

        public ushort PeekGroup()
        {
            long at = stream.Position;
            Fill(2, "tag");
            stream.Position = at;
            return (ushort)(_buffer[0] | (_buffer[1] << 8));
        }

        public ElementHeader ReadElementHeader(bool explicitVr)
        {
            long offset = stream.Position;
            Fill(4, "element tag");
            var tag = new DicomTag((ushort)(_buffer[0] | (_buffer[1] << 8)), (ushort)(_buffer[2] | (_buffer[3] << 8)));
            string? vr = null;
            uint length;
            if (tag.Group == 0xFFFE || !explicitVr)
            {
                length = ReadUInt32($"length of {tag}");
            }
            else
            {
                Fill(2, $"VR of {tag}");
                if (!char.IsAsciiLetterUpper((char)_buffer[0]) || !char.IsAsciiLetterUpper((char)_buffer[1]))
                    throw new MedicalFormatException(path, $"element {tag} has no valid VR (bytes 0x{_buffer[0]:X2} 0x{_buffer[1]:X2}): corrupt, or the transfer syntax is wrong", offset + 4);
                vr = Encoding.ASCII.GetString(_buffer, 0, 2);
                if (s_longVrs.Contains(vr))
                {
                    Fill(2, $"reserved bytes of {tag}");
                    length = ReadUInt32($"length of {tag}");
                }
                else
                {
                    Fill(2, $"length of {tag}");
                    length = (uint)(_buffer[0] | (_buffer[1] << 8));
                }
            }
            return new ElementHeader(tag, vr, length, offset, stream.Position);
        }

        public void CheckFits(ElementHeader e)
        {
            if (e.Length > Remaining)
                throw new MedicalFormatException(path, $"element {e.Tag} claims {e.Length} bytes but only {Remaining} remain in the file (truncated or corrupt)", e.Offset);
        }

        public byte[] ReadValue(ElementHeader e)
        {
            CheckFits(e);
            var value = new byte[e.Length];
            stream.ReadExactly(value);
            return value;
        }

        public void Skip(ElementHeader e)
        {
            CheckFits(e);
            stream.Position += e.Length;
        }

        /// <summary>Skips a sequence of undefined length: items until the sequence delimiter.</summary>
        public void SkipSequence(bool explicitVr, int depth)
        {
            if (depth > MaxDepth) throw new MedicalFormatException(path, $"sequences nested deeper than {MaxDepth}: corrupt", stream.Position);
            while (true)
            {
                var item = ReadElementHeader(explicitVr);
                if (item.Tag == DicomTag.SequenceDelimitation) return;
                if (item.Tag != DicomTag.Item)
                    throw new MedicalFormatException(path, $"expected an item or sequence delimiter inside a sequence, found {item.Tag}: corrupt", item.Offset);
                if (item.Length != Undefined) Skip(item);
                else SkipItem(explicitVr, depth + 1);
            }
        }

        private void SkipItem(bool explicitVr, int depth)
        {
            if (depth > MaxDepth) throw new MedicalFormatException(path, $"sequences nested deeper than {MaxDepth}: corrupt", stream.Position);
            while (true)
            {
                var e = ReadElementHeader(explicitVr);
                if (e.Tag == DicomTag.ItemDelimitation) return;
                if (e.Length == Undefined) SkipSequence(explicitVr && e.Vr != "UN", depth + 1);
                else Skip(e);
            }
        }

        private uint ReadUInt32(string what)
        {
            Fill(4, what);
            return (uint)(_buffer[0] | (_buffer[1] << 8) | (_buffer[2] << 16) | (_buffer[3] << 24));
        }

        private void Fill(int count, string what)
        {
            long at = stream.Position;
            if (Remaining < count) throw new MedicalFormatException(path, $"file ends inside the {what} (truncated)", at);
            stream.ReadExactly(_buffer, 0, count);
        }
    }
}
