using System.Globalization;

namespace PipeNet.Perf.Reporting;

/// <summary>Number formatting shared by the terminal table, the Markdown and the HTML report.</summary>
internal static class Figures
{
    public static string Compact(double value, string unit)
    {
        if (!double.IsFinite(value))
        {
            return "n/a";
        }

        if (unit == "Gbit/s")
        {
            return value.ToString("0.00", CultureInfo.InvariantCulture);
        }

        double magnitude = Math.Abs(value);
        return magnitude >= 1e6 ? (value / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M"
            : magnitude >= 1e4 ? (value / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k"
            : value.ToString("0", CultureInfo.InvariantCulture);
    }

    public static string Fixed(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    public static string Ratio(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";
}
