namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The one <c>classes.txt</c> convention: one name per line, in class-id order, starting at id 0
/// (background, whatever it is called). <c>medseg export</c> writes it that way; the paired reader
/// reads it that way, and checks it against the ids the masks actually hold.
/// </summary>
/// <remarks>
/// A file that names only the foreground classes (no line for id 0) is accepted when the masks
/// prove it: its line count equals the largest id. Everything else that the masks contradict is
/// said (a named class that never occurs, background called something else, ids without a name —
/// whose samples <see cref="DatasetValidator"/> then lists as unusable, which stops training).
/// Blank lines are ignored; names are trimmed.
/// </remarks>
public static class ClassNamesFile
{
    public const string FileName = "classes.txt";
    public const string Background = "background";

    public static IReadOnlyList<string> Read(string path)
    {
        string[] names = File.ReadAllLines(path).Select(static l => l.Trim()).Where(static l => l.Length > 0).ToArray();
        if (names.Length == 0) throw new DatasetException(path, "names no class: write one name per line, by id, starting with id 0 (background)");
        return names;
    }

    /// <summary>Writes <paramref name="names"/> (index = class id, [0] = background), one per line.</summary>
    public static void Write(string path, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count < 2) throw new ArgumentException("a class list needs background and at least one class", nameof(names));
        Core.IO.OutputFile.WriteAllLines(path, names);
    }

    /// <summary>
    /// Matches the file's names to the ids present in the masks (<paramref name="pixelsPerId"/>[id] = pixel count).
    /// </summary>
    /// <returns>Names indexed by class id (the first is id 0) and one note per assumption made.</returns>
    public static ClassResolution Resolve(string path, IReadOnlyList<string> lines, IReadOnlyList<long> pixelsPerId)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(pixelsPerId);
        int maxId = 0;
        for (int id = 0; id < pixelsPerId.Count; id++) if (pixelsPerId[id] > 0) maxId = id;
        bool namesBackground = lines.Count > 0 && lines[0].Equals(Background, StringComparison.OrdinalIgnoreCase);
        var notes = new List<string>();
        string[] names;
        if (!namesBackground && lines.Count == maxId && maxId > 0)
        {
            // One name short of the ids: the file lists the foreground only (the older convention).
            names = [Background, .. lines];
            notes.Add($"{FileName} has {lines.Count} names and the masks hold ids 1..{maxId}: read as foreground classes " +
                      $"(id 1 = '{lines[0]}'); id 0 is background. Add a first line 'background' to say so.");
        }
        else if (lines.Count <= maxId)
        {
            // Ids without a name: the samples holding them are unusable, and DatasetValidator lists
            // each one (training stops unless --skip-bad), so one stray id does not block a whole set.
            names = [.. lines];
            var unnamed = Enumerable.Range(lines.Count, maxId - lines.Count + 1).Where(id => pixelsPerId[id] > 0).ToArray();
            notes.Add($"{FileName} names {lines.Count} classes (ids 0..{lines.Count - 1}, line 1 = id 0 = background) but masks hold " +
                      $"{string.Join(", ", unnamed.Select(static i => $"id {i}"))}, which have no name: the samples holding them are unusable");
        }
        else
        {
            names = [.. lines];
            if (!namesBackground)
                notes.Add($"{FileName}: line 1 names id 0, the background: '{lines[0]}' (ids 1..{lines.Count - 1}: {string.Join(", ", lines.Skip(1))})");
        }

        if (names.Length < 2)
            throw new DatasetException(path, $"names only the background ('{names[0]}'): a segmentation needs at least one foreground class");
        for (int id = 1; id < names.Length; id++)
        {
            if (id >= pixelsPerId.Count || pixelsPerId[id] == 0)
                notes.Add($"class '{names[id]}' (id {id}) never occurs in any mask: its metrics will read as perfect on empty images; " +
                          "check that line 1 of classes.txt is the background (id 0)");
        }
        return new ClassResolution(names, notes);
    }
}
