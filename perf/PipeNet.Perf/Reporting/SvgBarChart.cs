using System.Globalization;
using System.Net;
using System.Text;

namespace PipeNet.Perf.Reporting;

/// <summary>A horizontal bar chart as inline SVG: no script, no external assets.</summary>
internal static class SvgBarChart
{
    private const int Width = 780;
    private const int LabelWidth = 190;
    private const int ValueWidth = 150;
    private const int BarHeight = 16;
    private const int GroupGap = 14;
    private const int Top = 10;
    private const int AxisHeight = 24;

    /// <param name="groups">The bar groups, top to bottom.</param>
    /// <param name="reference">A value marked with a solid line across the whole chart (1.0 for ratios), or null.</param>
    /// <param name="format">How values are written next to the bars.</param>
    public static string Render(IReadOnlyList<ChartGroup> groups, double? reference, Func<double, string> format)
    {
        double max = groups.SelectMany(g => g.Bars.Select(b => Math.Max(b.Value, double.IsFinite(b.High) ? b.High : 0)).Append(g.Target ?? 0))
            .Append(reference ?? 0).Where(double.IsFinite).DefaultIfEmpty(1).Max() * 1.08;
        int plotWidth = Width - LabelWidth - ValueWidth;
        double X(double v) => LabelWidth + (Math.Max(v, 0) / max * plotWidth);
        int height = Top + groups.Sum(g => (g.Bars.Count * BarHeight) + GroupGap) + AxisHeight;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        int y = Top;
        foreach (ChartGroup group in groups)
        {
            int groupHeight = group.Bars.Count * BarHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{y + (groupHeight / 2) + 4}\" font-weight=\"bold\">{Escape(group.Label)}</text>");
            foreach (ChartBar bar in group.Bars)
            {
                double value = double.IsFinite(bar.Value) ? bar.Value : 0;
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 6}\" y=\"{y + 12}\" text-anchor=\"end\" fill=\"#444\">{Escape(bar.Label)}</text>");
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y + 2}\" width=\"{X(value) - LabelWidth:0.0}\" height=\"{BarHeight - 4}\" fill=\"{bar.Color}\"><title>{Escape(bar.Label)}: {Escape(format(bar.Value))}</title></rect>");
                if (double.IsFinite(bar.Low) && double.IsFinite(bar.High))
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(bar.Low):0.0}\" x2=\"{X(bar.High):0.0}\" y1=\"{y + 8}\" y2=\"{y + 8}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
                }

                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - ValueWidth + 8}\" y=\"{y + 12}\">{Escape(format(bar.Value))}</text>");
                y += BarHeight;
            }

            if (group.Target is { } target)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(target):0.0}\" x2=\"{X(target):0.0}\" y1=\"{y - groupHeight - 2}\" y2=\"{y + 2}\" stroke=\"#c00\" stroke-width=\"2\" stroke-dasharray=\"4 3\"><title>target {Escape(format(target))}</title></line>");
            }

            y += GroupGap;
        }

        if (reference is { } line)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(line):0.0}\" x2=\"{X(line):0.0}\" y1=\"{Top - 4}\" y2=\"{y - GroupGap + 4}\" stroke=\"#555\" stroke-width=\"1\"/>");
        }

        // The axis: 0, the reference and the maximum.
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{LabelWidth}\" x2=\"{LabelWidth + plotWidth}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#888\"/>");
        foreach (double tick in new[] { 0, reference ?? double.NaN, max / 1.08 }.Where(double.IsFinite).Distinct())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(tick):0.0}\" y=\"{y + 16}\" text-anchor=\"middle\" fill=\"#444\">{Escape(format(tick))}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
