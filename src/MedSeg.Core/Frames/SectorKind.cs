namespace MedSeg.Core.Frames;

/// <summary>Probe geometry family: <see cref="Linear"/> (rectangular image) or <see cref="Sector"/> (curvilinear / phased fan).</summary>
public enum SectorKind
{
    Linear,
    Sector,
}
