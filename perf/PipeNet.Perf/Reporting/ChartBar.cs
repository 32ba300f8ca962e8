namespace PipeNet.Perf.Reporting;

/// <summary>One bar: its value, an optional whisker range, and its label.</summary>
internal sealed record ChartBar(string Label, double Value, double Low, double High, string Color);
