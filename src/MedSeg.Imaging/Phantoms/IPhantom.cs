using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// The geometry of one synthetic scene, drawn once; noise is drawn at render time. Splitting the
/// two lets a sequence keep its anatomy while speckle changes every frame.
/// </summary>
internal interface IPhantom
{
    /// <summary>The scene at time <paramref name="frame"/> (in frames); frame 0 is the scene as drawn.</summary>
    IPhantom At(double frame);

    /// <summary>Paints image and exact mask; every random number used comes from <paramref name="noise"/>.</summary>
    LabeledImage Render(string id, Random noise);
}
