namespace MedSeg.Imaging.Formats;

/// <summary>A file, page or frame left out of a stack when it was opened, and why.</summary>
public readonly record struct SkippedItem(string Item, string Reason)
{
    public override string ToString() => $"{Item}: {Reason}";
}
