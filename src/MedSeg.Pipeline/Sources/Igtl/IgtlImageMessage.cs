namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>Writes a complete version-1 IMAGE message (header, image header, pixels, CRC) into a buffer.</summary>
public static class IgtlImageMessage
{
    public static int LengthOf(IgtlImageHeader image) => checked(IgtlHeader.Size + IgtlImageHeader.Length + (int)image.PixelBytes);

    /// <returns>Bytes written (<see cref="LengthOf"/>).</returns>
    public static int Write(Span<byte> destination, string deviceName, ulong timestamp, IgtlImageHeader image, ReadOnlySpan<byte> pixels)
    {
        int length = LengthOf(image);
        if (destination.Length < length) throw new ArgumentException($"an IMAGE message of this size needs {length} bytes", nameof(destination));
        if (pixels.Length < image.PixelBytes) throw new ArgumentException($"the image header announces {image.PixelBytes} pixel bytes, got {pixels.Length}", nameof(pixels));
        var body = destination.Slice(IgtlHeader.Size, length - IgtlHeader.Size);
        image.Write(body);
        pixels[..(int)image.PixelBytes].CopyTo(body[IgtlImageHeader.Length..]);
        new IgtlHeader(1, "IMAGE", deviceName, timestamp, (ulong)body.Length, Crc64Ecma.Compute(body)).Write(destination);
        return length;
    }
}
