namespace PipeNet.Perf.Load;

/// <summary>
/// The phases every worker watches: warm-up (run, count nothing), measuring (count), cool-down (run,
/// count nothing, while the orchestrator takes its closing snapshot), stopping (finish and leave).
/// </summary>
internal sealed class RunWindow
{
    private const int WarmingUp = 0;
    private const int MeasuringPhase = 1;
    private const int CoolingDown = 2;
    private const int StoppingPhase = 3;

    private volatile int _phase;

    public bool Measuring => _phase == MeasuringPhase;

    public bool Stopping => _phase == StoppingPhase;

    public void BeginMeasuring() => _phase = MeasuringPhase;

    public void EndMeasuring() => _phase = CoolingDown;

    public void Stop() => _phase = StoppingPhase;

    public bool WarmingUpNow => _phase == WarmingUp;
}
