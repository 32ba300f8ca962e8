namespace PipeNet.Perf.Reporting;

/// <summary>Bars drawn together under one label, with an optional target marker across them.</summary>
internal sealed record ChartGroup(string Label, IReadOnlyList<ChartBar> Bars, double? Target);
