using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Export;
using MedSeg.Imaging.Recording;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg export SESSION --format nifti|dicom-seg`: each recorded volume (series) as a label
/// volume aligned to its scan — OUT/volume-NN.nii.gz (the source's affine) or OUT/volume-NN.seg.dcm
/// (DICOM Segmentation referencing the source series).
/// </summary>
public static class VolumeExport
{
    public const string Nifti = "nifti", DicomSeg = "dicom-seg", Png = "png";

    public static int Run(string session, string outDir, RecordingMasks masks, string format, bool fractional, string? reference = null)
    {
        using var reader = RecordingReader.Open(session, new RecordingReaderOptions { Png = PngImageCodec.Instance });
        bool predictions = masks == RecordingMasks.Predictions;
        IReadOnlyList<LabelVolume> volumes;
        try
        {
            volumes = LabelVolume.FromRecording(reader, predictions);
        }
        catch (InvalidDataException e)
        {
            // Through the one error contract: on standard error, exit 2.
            throw new InvalidDataException($"{session}: {e.Message}", e);
        }
        var h = reader.Header;
        if (fractional && (format != DicomSeg || !predictions || h.ClassNames.Count != 2 || volumes.Any(v => v.Probabilities is null)))
            throw new ArgumentException("--fractional needs --format dicom-seg, --masks predictions, a binary model and a session recorded with probabilities");
        Directory.CreateDirectory(outDir);
        var colors = Enumerable.Range(0, h.ClassNames.Count)
            .Select(i => i < h.ClassColors.Count && RecordingFormat.TryParseColor(h.ClassColors[i], out byte r, out byte g, out byte b) ? (r, g, b) : ClassPalette.For(i))
            .ToArray();
        (string Series, IReadOnlyDictionary<Imaging.Formats.Dicom.DicomTag, string> Attributes)? patient = reference is null ? null : PatientAndStudy(reference);
        for (int n = 0; n < volumes.Count; n++)
        {
            var v = volumes[n];
            string name = $"volume-{n + 1:D2}";
            string file = Path.Combine(outDir, name + (format == Nifti ? ".nii.gz" : ".seg.dcm"));
            if (format == Nifti) NiftiLabelWriter.Write(file, v, $"medseg {masks.ToString().ToLowerInvariant()} {h.Model?.Name}".Trim());
            else
                DicomSegWriter.Write(file, v, new DicomSegWriter.SegOptions(h.ClassNames, colors, predictions ? h.Model?.Name ?? "medseg" : null,
                    Fractions: fractional ? [null, v.Probabilities] : null,
                    PatientAndStudy: patient is not null && patient.Value.Series == v.First.SeriesInstanceUid ? patient.Value.Attributes : null));
            AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(file)}[/]: {v.Width}×{v.Height}×{v.Depth} of {Markup.Escape(v.First.VolumeId)}" +
                                   (v.MissingSlices.Count > 0 ? $" ([yellow]{v.MissingSlices.Count} slice(s) never recorded, left background[/])" : ""));
            double off = v.MaxOriginDeviation();
            if (format == Nifti && off > 0.01 * Math.Max(v.First.SliceSpacing, 1e-3))
                AnsiConsole.MarkupLine($"[yellow]warning:[/] slice positions deviate up to {off:0.###} mm from even spacing; a NIfTI affine cannot say so (the DICOM SEG keeps every position)");
        }
        if (patient is { } p && volumes.All(v => v.First.SeriesInstanceUid != p.Series))
            AnsiConsole.MarkupLine($"[yellow]warning:[/] --reference holds series {Markup.Escape(p.Series)}, which is none of the recorded volumes: patient and study left empty");
        if (!reader.End!.Clean) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(session)}: {Markup.Escape(reader.End.Message)}");
        return CommandErrors.Ok;
    }

    /// <summary>The source series' patient / study attributes (from its first file) and its Series Instance UID.</summary>
    private static (string Series, IReadOnlyDictionary<Imaging.Formats.Dicom.DicomTag, string> Attributes) PatientAndStudy(string reference)
    {
        using var series = Imaging.Formats.Dicom.DicomSeries.Open(reference);
        var first = series.Files[0];
        return (first.SeriesInstanceUid, first.PatientAndStudy);
    }
}
