using GiantVm.Coordinator.Replication;

namespace GiantVm.Coordinator.Tests.Replication;

public sealed class ReplicatedStateTests
{
    private static StateRecord Change(long seq, string kind, int? node = null, string? text = null, string vm = "giantvm") =>
        ReplicaIndexTests.Change(seq, kind, node).State! with { PolicyText = text, PolicyVersion = text is null ? null : (int)seq, Vm = vm };

    [Fact]
    public void Fold_AppliesChangesInSequenceOrder_NotFileOrder()
    {
        var state = ReplicatedState.Fold(
            [Change(3, StateKinds.Undrain, node: 1), Change(1, StateKinds.Drain, node: 1), Change(2, StateKinds.Drain, node: 2)], "giantvm");

        Assert.Equal([2], state.Drained);
    }

    [Fact]
    public void Fold_TakesTheNewestPolicyAndPauseState()
    {
        var state = ReplicatedState.Fold(
            [Change(1, StateKinds.Policy, text: "name: a\n"), Change(2, StateKinds.Pause), Change(3, StateKinds.Policy, text: "name: b\n"), Change(4, StateKinds.Resume), Change(5, StateKinds.Pause)],
            "giantvm");

        Assert.Equal(("name: b\n", 3), (state.Policy?.PolicyText, state.Policy?.PolicyVersion));
        Assert.True(state.Paused);
    }

    [Fact]
    public void Fold_IgnoresOtherInstances()
    {
        var state = ReplicatedState.Fold([Change(1, StateKinds.Pause, vm: "other")], "giantvm");

        Assert.Equal(ReplicatedState.Empty, state);
    }

    [Fact]
    public void Fold_SkipsTheChangesAbortRecordsCancel_WhateverTheirKind()
    {
        var drain = Change(2, StateKinds.Drain, node: 2);
        var pause = Change(3, StateKinds.Pause);
        var policy = Change(4, StateKinds.Policy, text: "name: b\n");
        var state = ReplicatedState.Fold(
            [Change(1, StateKinds.Drain, node: 1), drain, pause, policy,
                Change(5, StateKinds.Abort) with { Aborts = drain.Id }, Change(6, StateKinds.Abort) with { Aborts = pause.Id }, Change(7, StateKinds.Abort) with { Aborts = policy.Id }],
            "giantvm");

        Assert.Equal([1], state.Drained);
        Assert.False(state.Paused);
        Assert.Null(state.Policy);
    }
}
