namespace MedSeg.Core.Frames;

/// <summary>
/// A tracked pose received beside a frame (an OpenIGTLink TRANSFORM, e.g. PLUS's ProbeToTracker):
/// which transform it is and its row-major 3 × 4 matrix (rotation | translation in mm).
/// </summary>
public sealed record TrackedPose
{
    public TrackedPose(string name, IReadOnlyList<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Count != 12) throw new ArgumentException("a pose is a 3 × 4 matrix: 12 numbers", nameof(matrix));
        Name = name;
        Matrix = matrix.ToArray();
    }

    public string Name { get; }

    /// <summary>m[4·row + column]; column 3 is the translation.</summary>
    public IReadOnlyList<double> Matrix { get; }

    /// <summary>Where the pose was taken, in stream time (<see cref="FrameInfo.Timestamp"/>'s clock).</summary>
    public TimeSpan Timestamp { get; init; }

    public bool Equals(TrackedPose? other) =>
        other is not null && Name == other.Name && Timestamp == other.Timestamp && Matrix.SequenceEqual(other.Matrix);

    public override int GetHashCode() => HashCode.Combine(Name, Timestamp, Matrix[3], Matrix[7], Matrix[11]);
}
