using GiantVm.Coordinator.Admin;
using Grpc.Core;

namespace GiantVm.Coordinator.Tests.Admin;

/// <summary>Which instance an admin request is about (giantvmctl --vm, or none).</summary>
public sealed class InstanceChoiceTests
{
    [Fact]
    public void ANamedInstance_IsThatOne_WhenItExists()
    {
        Assert.Equal(("b", StatusCode.OK, (string?)null), InstanceChoice.Resolve("b", ["a", "b"]));
    }

    [Fact]
    public void AnUnknownName_IsNotFound_ListingTheInstances()
    {
        var (vm, code, error) = InstanceChoice.Resolve("c", ["a", "b"]);
        Assert.Null(vm);
        Assert.Equal(StatusCode.NotFound, code);
        Assert.Equal("unknown vm 'c': this coordinator serves a, b", error);
    }

    [Fact]
    public void NoName_IsTheOnlyInstance()
    {
        Assert.Equal("a", InstanceChoice.Resolve("", ["a"]).Vm);
    }

    [Fact]
    public void NoName_WithSeveralInstances_IsAUsageError_ListingThem()
    {
        var (vm, code, error) = InstanceChoice.Resolve("", ["a", "b"]);
        Assert.Null(vm);
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("this coordinator serves 2 instances; choose one with --vm (a, b)", error);
    }

    [Fact]
    public void NoName_WithNoInstance_SaysThereIsNoneYet()
    {
        var (vm, code, error) = InstanceChoice.Resolve("", []);
        Assert.Null(vm);
        Assert.Equal(StatusCode.FailedPrecondition, code);
        Assert.Contains("no GiantVM instance yet", error);
    }

    [Fact]
    public void AListOfManyInstances_IsCut()
    {
        var many = Enumerable.Range(0, 500).Select(i => $"vm-{i:000}").ToList();
        var (_, _, error) = InstanceChoice.Resolve("", many);
        Assert.True(error!.Length < 400, error);
        Assert.Contains("and 480 more", error);
    }
}
