using MedSeg.Core.Recording;

namespace MedSeg.Pipeline.Recording;

/// <summary>Options of <see cref="SessionRecorder"/>.</summary>
public sealed record SessionRecorderOptions
{
    /// <summary>The session file to create.</summary>
    public required string Path { get; init; }

    /// <summary>Source, model, classes, colours and tags; the frame and mask sizes are filled in from the first frame.</summary>
    public SessionHeader Header { get; init; } = new();

    public RecordingWriterOptions Writer { get; init; } = new();

    /// <summary>Replace an existing file instead of refusing.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Frames the edge in front of the recorder holds: a buffer against disk hiccups (each holds its frame's pool buffers).</summary>
    public int Capacity { get; init; } = 64;

    /// <summary>The one stream this recorder keeps (one file per stream); null: every frame.</summary>
    public int? Stream { get; init; }

    /// <summary>Sink name in reports; unique among the pipeline's sinks.</summary>
    public string Name { get; init; } = "recorder";

    public SessionRecorderOptions Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path, nameof(Path));
        ArgumentNullException.ThrowIfNull(Header, nameof(Header));
        ArgumentNullException.ThrowIfNull(Writer, nameof(Writer));
        Writer.Validate();
        if (Capacity is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "must be 1–100000");
        ArgumentException.ThrowIfNullOrWhiteSpace(Name, nameof(Name));
        // Checked here too, not only when the file is created at the first frame: the pipeline must not start for a recording it will refuse.
        RecordingExistsException.ThrowIfExists(Path, Overwrite);
        return this;
    }
}
