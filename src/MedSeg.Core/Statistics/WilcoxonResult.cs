namespace MedSeg.Core.Statistics;

/// <summary>
/// A Wilcoxon signed-rank test. <paramref name="N"/> counts the non-zero differences;
/// <paramref name="Statistic"/> is min(W+, W−) (SciPy's); <paramref name="Z"/> is NaN when exact.
/// </summary>
public sealed record WilcoxonResult(int N, int Zeros, double WPlus, double WMinus, double Statistic, double PValue, bool Exact, double Z);
