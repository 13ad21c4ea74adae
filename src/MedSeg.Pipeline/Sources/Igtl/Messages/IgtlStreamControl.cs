namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// Start / stop requests for IMAGE streaming: STT_IMAGE and STP_IMAGE, header-only query
/// messages (empty content) as GET_IMAGE is in libOpenIGTLink; a server that streams on request
/// (PLUS, Slicer's OpenIGTLinkIF) starts or stops sending IMAGE messages of that device.
/// </summary>
public static class IgtlStreamControl
{
    public const string Start = "STT_IMAGE", Stop = "STP_IMAGE";

    public static byte[] StartImage(string device, ushort version = 1) => IgtlMessageFraming.Build(Start, device, 0, [], version);

    public static byte[] StopImage(string device, ushort version = 1) => IgtlMessageFraming.Build(Stop, device, 0, [], version);
}
