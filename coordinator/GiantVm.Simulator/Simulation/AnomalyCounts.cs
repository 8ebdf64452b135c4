namespace GiantVm.Simulator.Simulation;

/// <summary>
/// Usage rows the model ignored or flagged. Each ignored row counts once, checked in this order:
/// end &lt;= start, no machine id, machine outside the simulated set. <see cref="NoTaskEvent"/>
/// counts used rows of tasks without a task_events row (they count as BE); <see cref="LateRows"/>
/// counts rows that reached a step already closed (that part of them is dropped).
/// </summary>
public sealed record AnomalyCounts(long EndBeforeStart, long NoTaskEvent, long OutsideMachines, long MissingMachine, long LateRows);
