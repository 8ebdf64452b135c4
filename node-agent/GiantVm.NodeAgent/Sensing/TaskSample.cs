using GiantVm.Linux;

namespace GiantVm.NodeAgent.Sensing;

/// <summary>
/// The raw files of one BE task at one moment. Stat is fresh; Status may be a few samples old
/// (see BeTaskSelector); NumaMaps is null when not read or not readable.
/// </summary>
internal sealed record TaskSample(PidStat Stat, PidStatus Status, NumaMaps? NumaMaps);
