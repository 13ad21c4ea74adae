namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>A message body split by <see cref="IgtlMessageFraming.Split"/>: the type's content, metadata (version 2 headers) and message id.</summary>
public sealed record IgtlBody(ReadOnlyMemory<byte> Content, IReadOnlyList<KeyValuePair<string, string>> Metadata, uint MessageId);
