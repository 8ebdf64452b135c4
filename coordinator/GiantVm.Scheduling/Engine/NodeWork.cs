using GiantVm.Scheduling.Model;

namespace GiantVm.Scheduling.Engine;

/// <summary>One node during one round: its signals and what the moves planned so far do to it.</summary>
internal sealed class NodeWork
{
    public NodeWork(NodeSnapshot node, NodeSignal? signal, bool fresh, bool excluded, bool predicted, bool lcHarm = false, double lcShare = 0)
    {
        LcShare = lcShare;
        LcHarm = lcHarm && LoadModel.Applies(node);
        Node = node;
        Signal = signal;
        Fresh = fresh;
        Excluded = excluded;
        Vcpus = LoadModel.CountCpus(node.Cpus);
        FreeMemory = node.MemFreeBytes;
        Predicted = predicted;
    }

    public NodeSnapshot Node { get; }

    public int Id => Node.Id;

    public NodeSignal? Signal { get; }

    public bool Fresh { get; }

    public bool Excluded { get; }

    public int? Vcpus { get; }

    private bool Predicted { get; }

    /// <summary><c>signal.lc_harm</c> with host figures: expected values are max(steal, host overload).</summary>
    private bool LcHarm { get; }

    /// <summary>(LC + demand - capacity) / capacity, not clamped: negative is headroom, so targets rank by how much room they keep.</summary>
    private double Load(double demand) => LoadModel.Load(Node, demand);

    /// <summary><c>signal.lc_share</c>: the share of the host LC keeps under contention.</summary>
    private double LcShare { get; }

    /// <summary>LC harm in cores with <paramref name="demand"/> cores of BE demand (<see cref="LoadModel.HarmCores"/>); 0 without host figures.</summary>
    public double HarmCores(double demand) => LoadModel.HarmCores(HarmNode, demand, LcShare);

    /// <summary>The node as <see cref="HarmCores"/> sees it: its LC load smoothed (<c>signal.lc_ema_alpha</c>).</summary>
    private NodeSnapshot HarmNode => _harmNode ??= Signal?.SmoothedLc is { } lc ? Node with { HostLcDemandCores = lc } : Node;

    private NodeSnapshot? _harmNode;

    /// <summary>Host capacity left with the moves planned so far, in cores (negative: overloaded); 0 without host figures.</summary>
    public double Room => LoadModel.Applies(Node) ? -LoadModel.Load(Node, Demand) * Node.HostCapacityCores!.Value : 0;

    /// <summary>Steal the load model expects from the BE demand at the start of the round (predicted mode only).</summary>
    public double? PredictedSteal { get; private set; }

    /// <summary>The smoothed steal (the raw reading when the node has no signal yet, e.g. stale from the start).</summary>
    public double Smoothed => Signal?.Smoothed ?? Node.StealRatio;

    public bool Hot => Signal?.Hot ?? false;

    /// <summary>May be a target at all: fresh, not drained, not excluded.</summary>
    public bool CanBeTarget => Fresh && !Node.Drained && !Excluded;

    /// <summary>Score as a target at the start of the round: smoothed steal, or max(smoothed, predicted).</summary>
    public double BaseScore { get; private set; }

    /// <summary>Expected steal with the moves planned so far.</summary>
    public double Estimate { get; private set; }

    /// <summary>BE demand in cores at the start of the round.</summary>
    public double InitialDemand { get; private set; }

    /// <summary>BE demand in cores with the moves planned so far.</summary>
    public double Demand { get; private set; }

    /// <summary>Free memory left after the moves planned into it (null: unknown = unlimited).</summary>
    public long? FreeMemory { get; private set; }

    public int MovesIn { get; private set; }

    public int MovesOut { get; private set; }

    /// <summary>BE tasks on the node with the moves planned so far.</summary>
    public int TaskCount { get; private set; }

    /// <summary>The BE tasks on the node at the start of the round.</summary>
    public List<TaskSnapshot> Tasks { get; } = [];

    public void AddInitialTask(TaskSnapshot task)
    {
        Tasks.Add(task);
        InitialDemand += DecisionEngine.DemandOf(task);
        TaskCount++;
    }

    /// <summary>Call once all initial tasks are added.</summary>
    public void Seal()
    {
        Demand = InitialDemand;
        if (Predicted && LoadModel.Applies(Node))
        {
            PredictedSteal = LoadModel.Steal(Node, Vcpus, InitialDemand);
        }

        BaseScore = Math.Max(Smoothed, PredictedSteal ?? 0);
        StealEstimate = BaseScore;
        if (LcHarm)
        {
            BaseScore = Combine(StealEstimate, Load(InitialDemand));
        }

        Estimate = BaseScore;
    }

    /// <summary>With <c>lc_harm</c>: the steal part of <see cref="Estimate"/> (smoothed reading, falling with the demand moved away).</summary>
    private double StealEstimate { get; set; }

    /// <summary>
    /// With <c>lc_harm</c>: overloaded or showing steal, the larger of the two; otherwise the
    /// (negative) headroom, so that targets rank by how much room they keep, not by their id.
    /// </summary>
    private static double Combine(double steal, double load) => steal > 0 || load > 0 ? Math.Max(steal, load) : load;

    /// <summary>
    /// The steal part after <paramref name="cores"/> leave: it falls in proportion to the demand moved
    /// away, or with <c>lc_harm</c> (whose reading is the overload itself) by the overload shed, if that is more.
    /// </summary>
    private double StealWithout(double cores)
    {
        var share = InitialDemand > 0 ? Smoothed * cores / InitialDemand : 0;
        var shed = LcHarm ? Load(Demand) - Load(Demand - cores) : 0;
        return Math.Max(0, StealEstimate - Math.Max(share, shed));
    }

    /// <summary>Expected steal if a task of <paramref name="cores"/> were added: with the predicted
    /// signal and the host figures, grows by the load model's increase; else unchanged (measured
    /// steal only; the per-node cap keeps a round from piling tasks on one node).</summary>
    public double EstimateWith(double cores) =>
        LcHarm ? Combine(StealEstimate, Load(Demand + cores))
        : Predicted && LoadModel.Applies(Node)
            ? Estimate + LoadModel.Steal(Node, Vcpus, Demand + cores) - LoadModel.Steal(Node, Vcpus, Demand)
            : Estimate;

    /// <summary>Expected steal if a task of <paramref name="cores"/> left: steal falls in proportion to
    /// the BE demand moved away (the stolen fraction of each runnable vCPU stays the same).</summary>
    public double EstimateWithout(double cores) =>
        LcHarm ? Combine(StealWithout(cores), Load(Demand - cores))
        : InitialDemand > 0 ? Math.Max(0, Estimate - (Smoothed * cores / InitialDemand)) : Estimate;

    public void Receive(TaskSnapshot task, long? memoryNeeded)
    {
        var cores = DecisionEngine.DemandOf(task);
        Estimate = EstimateWith(cores);
        Demand += cores;
        if (FreeMemory is { } free && memoryNeeded is { } need)
        {
            FreeMemory = free - need;
        }

        MovesIn++;
        TaskCount++;
    }

    public void Release(TaskSnapshot task)
    {
        var cores = DecisionEngine.DemandOf(task);
        Estimate = EstimateWithout(cores);
        StealEstimate = StealWithout(cores);
        Demand -= cores;
        MovesOut++;
        TaskCount--;
    }
}
