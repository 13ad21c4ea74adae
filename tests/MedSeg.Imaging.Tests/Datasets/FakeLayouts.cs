using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>Writes tiny versions of each public data set layout into a temp folder.</summary>
internal static class FakeLayouts
{
    public const int Size = 16;

    /// <summary>images/a.png + masks/a.png, images/b.png + masks/b_mask.png; 4x4 foreground each.</summary>
    public static void Paired(TempDirectory dir, params string[] stems)
    {
        stems = stems.Length == 0 ? ["a", "b"] : stems;
        for (int i = 0; i < stems.Length; i++)
        {
            using Mat image = Gray(60 + i);
            using Mat mask = Mats.Rect(Size, Size, new Rect(i, i, 4, 4));
            dir.Write(image, "images", stems[i] + ".png");
            dir.Write(mask, "masks", stems[i] + (i % 2 == 1 ? "_mask" : "") + ".png");
        }
    }

    /// <summary>Left lung in columns 2..5, right lung in columns 10..13, rows 4..11.</summary>
    public static void Montgomery(TempDirectory dir, params string[] names)
    {
        foreach (string name in names)
        {
            using Mat xray = Gray(128);
            using Mat left = Mats.Rect(Size, Size, new Rect(2, 4, 4, 8));
            using Mat right = Mats.Rect(Size, Size, new Rect(10, 4, 4, 8));
            dir.Write(xray, "CXR_png", name + ".png");
            dir.Write(left, "ManualMask", "leftMask", name + ".png");
            dir.Write(right, "ManualMask", "rightMask", name + ".png");
        }
    }

    /// <summary>kaggle_3m/&lt;patient&gt;/&lt;patient&gt;_&lt;slice&gt;.tif (BGR) with its _mask.tif beside it.</summary>
    public static void Lgg(TempDirectory dir, string patient, params int[] slices)
    {
        foreach (int slice in slices)
        {
            using Mat mri = new(Size, Size, MatType.CV_8UC3, new Scalar(10, 20, 30 + slice));
            using Mat mask = Mats.Rect(Size, Size, new Rect(0, 0, slice, 1));
            string stem = $"{patient}_{slice}";
            dir.Write(mri, "kaggle_3m", patient, stem + ".tif");
            dir.Write(mask, "kaggle_3m", patient, stem + "_mask.tif");
        }
    }

    /// <summary>&lt;id&gt;/images/&lt;id&gt;.png (RGBA) and one mask PNG per nucleus.</summary>
    public static void Dsb(TempDirectory dir, string id, params Rect[] nuclei)
    {
        using Mat rgba = new(Size, Size, MatType.CV_8UC4, new Scalar(5, 6, 7, 255));
        dir.Write(rgba, id, "images", id + ".png");
        for (int i = 0; i < nuclei.Length; i++)
        {
            using Mat nucleus = Mats.Rect(Size, Size, nuclei[i]);
            dir.Write(nucleus, id, "masks", $"nucleus{i}.png");
        }
    }

    /// <summary>palette.txt with background, liver (red), kidney (green); one image whose mask uses all three.</summary>
    public static void Palette(TempDirectory dir)
    {
        File.WriteAllText(dir.Combine("palette.txt"), "0,0,0 background\n255,0,0 liver\n# comment\n0, 255, 0 left kidney\n");
        using Mat image = Gray(90);
        dir.Write(image, "images", "p1.png");
        using Mat mask = new(Size, Size, MatType.CV_8UC3, Scalar.All(0));
        using (Mat red = mask[new Rect(0, 0, 4, 4)])
        {
            red.SetTo(new Scalar(0, 0, 255)); // BGR
        }

        using (Mat green = mask[new Rect(8, 8, 2, 3)])
        {
            green.SetTo(new Scalar(0, 255, 0));
        }

        dir.Write(mask, "masks", "p1.png");
    }

    public static Mat Gray(int value) => new(Size, Size, MatType.CV_8UC1, Scalar.All(value));
}
