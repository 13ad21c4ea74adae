namespace MedSeg.Core.Recording;

/// <summary>When the writer asks the OS to put records on the disk (fsync). Every record is handed
/// to the OS as it is written whatever the policy, so a killed process loses at most the record
/// being written; fsync also covers a power cut or kernel crash.</summary>
public enum FsyncPolicy
{
    /// <summary>Never fsync while recording (once at the end).</summary>
    None,
    /// <summary>Every <see cref="RecordingWriterOptions.FsyncEvery"/> records.</summary>
    EveryN,
    /// <summary>After every record (slowest, safest).</summary>
    EveryRecord,
}
