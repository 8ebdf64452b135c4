using GiantVm.Contracts.V1;
using GiantVm.Coordinator.Agents;
using GiantVm.Coordinator.Tests.Agents;
using Grpc.Core;

namespace GiantVm.Coordinator.Tests.Limits;

public sealed class AgentLimitsValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly AgentIdentity Guest = new(AgentRole.Guest, 0, "giantvm");

    private static Rejection? Validate(GuestReport report, int maxTasks = AgentLimits.DefaultMaxTasksPerReport) =>
        AgentMessageValidator.ValidateFollowUp(new AgentMessage { GuestReport = report }, Guest, null, 64, Now, TimeSpan.FromMinutes(5), maxTasks);

    [Theory]
    [InlineData("123456789012345", true)]
    [InlineData("1234567890123456", false)]
    [InlineData("ééééééééééééééé", true)] // 15 kernel bytes above 0x7F, one character each (30 UTF-8 bytes)
    public void Comm_IsLimitedTo15Characters_AsTheKernel(string comm, bool accepted)
    {
        var report = AgentMessageValidatorTests.GuestReport(Now);
        report.Tasks[0].Comm = comm;

        var rejection = Validate(report);

        Assert.Equal(accepted, rejection is null);
        if (!accepted)
        {
            Assert.Equal(("string_length", StatusCode.InvalidArgument), (rejection!.Limit, rejection.Code));
            Assert.Contains("guest_report.tasks[pid 4242].comm", rejection.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TasksPerReport_AboveTheLimit_IsResourceExhausted()
    {
        var report = AgentMessageValidatorTests.GuestReport(Now);
        for (var pid = 5000; pid < 5003; pid++)
        {
            report.Tasks.Add(new BeTask { Pid = pid, Comm = "x", NodeId = 0 });
        }

        Assert.Null(Validate(report, maxTasks: 4));
        var rejection = Validate(report, maxTasks: 3);

        Assert.Equal(("tasks_per_report", StatusCode.ResourceExhausted), (rejection?.Limit, rejection?.Code));
        Assert.Contains("4 entries; at most 3", rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicatePid_InOneReport_IsRefusedNamingThePid()
    {
        var report = AgentMessageValidatorTests.GuestReport(Now);
        report.Tasks.Add(new BeTask { Pid = 4242, Comm = "other", NodeId = 1 });

        var rejection = Validate(report);

        Assert.Equal("duplicate_pid", rejection?.Limit);
        Assert.Contains("pid 4242 listed twice", rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuList_LongerThan16KiB_IsRefused()
    {
        var report = AgentMessageValidatorTests.GuestReport(Now);
        report.Tasks[0].CpusAllowed = string.Join(',', Enumerable.Range(0, 4000).Select(i => (i * 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var rejection = Validate(report);

        Assert.Equal("string_length", rejection?.Limit);
        Assert.Contains("cpus_allowed", rejection?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hostname", 254)]
    [InlineData("agent_version", 65)]
    [InlineData("executor", 65)]
    [InlineData("vm", 129)]
    public void HelloStrings_OverTheirLimit_AreRefusedNamingTheField(string field, int length)
    {
        var hello = AgentMessageValidatorTests.Hello();
        var text = new string('h', length);
        switch (field)
        {
            case "hostname": hello.Hello.Hostname = text; break;
            case "agent_version": hello.Hello.AgentVersion = text; break;
            case "executor": hello.Hello.Executor = text; break;
            default: hello.Hello.Vm = text; break;
        }

        var rejection = AgentMessageValidator.ValidateHello(hello, 64, null);
        var fits = AgentMessageValidatorTests.Hello();
        fits.Hello.Hostname = new string('h', 253);

        Assert.Equal("string_length", rejection?.Limit);
        Assert.Contains($"hello.{field} is {length} bytes", rejection?.Message, StringComparison.Ordinal);
        Assert.Null(AgentMessageValidator.ValidateHello(fits, 64, null));
    }

    [Fact]
    public void ResultIds_OverTheLimit_AreRefused_AndTheMessageDoesNotEchoThem()
    {
        var result = new MigrationResult
        {
            CommandId = new string('c', 10_000),
            MigrationId = "m-1",
            Vm = "giantvm",
            Status = MigrationStatus.Done,
        };

        var rejection = AgentMessageValidator.ValidateResult(result, "giantvm", Now, TimeSpan.FromMinutes(5));

        Assert.Equal("string_length", rejection?.Limit);
        Assert.True(rejection!.Message.Length < 200, rejection.Message);
    }
}
