namespace MedSeg.Core.Inference;

/// <summary>
/// A model file that cannot be used as it is: corrupt, truncated, not a segmentation graph, or
/// not matching the contract it states. The CLI reports it in one line with exit code 2, like
/// every other bad input file.
/// </summary>
public sealed class ModelFormatException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string Path { get; } = path;
}
