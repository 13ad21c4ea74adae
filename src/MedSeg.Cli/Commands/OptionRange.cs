using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace MedSeg.Cli.Commands;

/// <summary>Range checks on numeric options at parse time, so a bad value is refused with the option as typed and its allowed range.</summary>
public static class OptionRange
{
    /// <summary>Refuses values outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<T> Between<T>(this Option<T> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (!TryValue(r, out T v)) return;
            if (v < min || v > max || T.IsNaN(v)) r.AddError(Message(option.Name, v, min, max));
        });
        return option;
    }

    /// <summary>Refuses a given value outside [<paramref name="min"/>, <paramref name="max"/>]; unset stays allowed.</summary>
    public static Option<T?> Between<T>(this Option<T?> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (TryValue(r, out T? value) && value is { } v && (v < min || v > max || T.IsNaN(v))) r.AddError(Message(option.Name, v, min, max));
        });
        return option;
    }

    /// <summary>Refuses array elements outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<T[]> Each<T>(this Option<T[]> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r =>
        {
            T[]? values;
            try
            {
                values = r.GetValueOrDefault<T[]>();
            }
            catch (InvalidOperationException)
            {
                // A custom parser already reported why the tokens are not numbers: that error stands alone.
                return;
            }
            foreach (var v in values ?? [])
                if (v < min || v > max || T.IsNaN(v)) r.AddError(Message(option.Name, v, min, max));
        });
        return option;
    }

    // A value that is not a number at all ("--max-batch abc") already has its parse error; reading it would throw.
    private static bool TryValue<T>(System.CommandLine.Parsing.OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static string Message<T>(string name, T value, T min, T max) where T : INumber<T> =>
        string.Create(CultureInfo.InvariantCulture, $"{name} {value}: allowed range is {min} to {max}");
}
