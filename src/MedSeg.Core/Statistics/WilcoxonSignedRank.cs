namespace MedSeg.Core.Statistics;

/// <summary>
/// Two-sided Wilcoxon signed-rank test on paired differences (e.g. per-image Dice of model B
/// minus model A): do the differences centre on zero?
/// </summary>
/// <remarks>
/// Zero differences are dropped (Wilcoxon's method, SciPy's default); tied |d| share their
/// average rank. Up to <see cref="ExactLimit"/> non-zero differences the p-value is exact: the
/// null distribution of W+ counted over all 2^n sign patterns by dynamic programming on doubled
/// ranks (average ranks are halves, so ties stay exact). Above it, the normal approximation with
/// the tie-corrected variance n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and no continuity correction.
/// </remarks>
public static class WilcoxonSignedRank
{
    public const int ExactLimit = 25;

    public static WilcoxonResult Test(IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var d = differences.Where(static v => !double.IsNaN(v)).ToList();
        int zeros = d.Count(static v => v == 0);
        var nonZero = d.Where(static v => v != 0).OrderBy(Math.Abs).ToArray();
        int n = nonZero.Length;
        if (n == 0) return new WilcoxonResult(0, zeros, 0, 0, 0, 1, true, double.NaN);

        // Average ranks of |d|, doubled so they are integers; and the tie groups' sizes.
        var doubledRanks = new int[n];
        double tieTerm = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && Math.Abs(nonZero[j + 1]) == Math.Abs(nonZero[i])) j++;
            int doubled = i + j + 2; // 2 × mean of ranks i+1 .. j+1
            for (int k = i; k <= j; k++) doubledRanks[k] = doubled;
            int t = j - i + 1;
            tieTerm += (double)t * t * t - t;
            i = j + 1;
        }
        int wPlus2 = 0;
        for (int i = 0; i < n; i++) if (nonZero[i] > 0) wPlus2 += doubledRanks[i];
        int total2 = n * (n + 1);
        double wPlus = wPlus2 / 2.0, wMinus = (total2 - wPlus2) / 2.0;
        double statistic = Math.Min(wPlus, wMinus);

        if (n <= ExactLimit)
        {
            // counts[s] = sign patterns whose positive doubled ranks sum to s.
            var counts = new double[total2 + 1];
            counts[0] = 1;
            int reach = 0;
            foreach (int r in doubledRanks)
            {
                for (int s = reach; s >= 0; s--) if (counts[s] != 0) counts[s + r] += counts[s];
                reach += r;
            }
            double all = Math.Pow(2, n), low = 0, high = 0;
            for (int s = 0; s <= total2; s++)
            {
                if (s <= wPlus2) low += counts[s];
                if (s >= wPlus2) high += counts[s];
            }
            double p = Math.Min(1, 2 * Math.Min(low, high) / all);
            return new WilcoxonResult(n, zeros, wPlus, wMinus, statistic, p, true, double.NaN);
        }

        double mean = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * (2.0 * n + 1) / 24 - tieTerm / 48;
        double z = variance > 0 ? (wPlus - mean) / Math.Sqrt(variance) : 0;
        return new WilcoxonResult(n, zeros, wPlus, wMinus, statistic, Math.Min(1, 2 * NormalUpperTail(Math.Abs(z))), false, z);
    }

    /// <summary>P(Z &gt; z) for a standard normal, via erfc (Numerical Recipes' erfcc, relative error &lt; 1.2e-7).</summary>
    private static double NormalUpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        double t = 1 / (1 + 0.5 * Math.Abs(x));
        double r = t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                   t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
