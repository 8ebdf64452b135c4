using GiantVm.Contracts.V1;
using GiantVm.NodeAgent.Reporting;
using GiantVm.NodeAgent.Sensing;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace GiantVm.NodeAgent.Tests.Reporting;

public class ReportSourceTests
{
    public sealed record Sample(int N);

    private readonly Mock<ISampler<Sample, int>> _sampler = new();

    private ReportSource<Sample, int> Source(Func<int, AgentMessage?>? map = null) =>
        new(_sampler.Object, (report, _) => map is null ? new AgentMessage { Sequence = (ulong)report } : map(report), TimeProvider.System, NullLogger.Instance);

    [Fact]
    public void SampleOnce_FirstSampleOnlySetsTheBaseline()
    {
        _sampler.Setup(s => s.TakeSample()).Returns(new Sample(1));

        Assert.Null(Source().SampleOnce());
    }

    [Fact]
    public void SampleOnce_WhenReadingFails_SkipsAndKeepsTheLastGoodSampleAsBaseline()
    {
        _sampler.SetupSequence(s => s.TakeSample())
            .Returns(new Sample(1))
            .Throws(new IOException("stat unreadable"))
            .Returns(new Sample(3));
        _sampler.Setup(s => s.Compute(It.IsAny<Sample>(), It.IsAny<Sample>())).Returns((Sample a, Sample b) => (a.N * 10) + b.N);
        var source = Source();

        Assert.Null(source.SampleOnce());
        Assert.Null(source.SampleOnce()); // bad sample: no report, and no zero report either
        var message = source.SampleOnce();

        Assert.Equal(13UL, message!.Sequence); // computed from samples 1 and 3
    }

    [Fact]
    public void SampleOnce_WhenTheMappingRejectsTheReport_SendsNothing()
    {
        _sampler.Setup(s => s.TakeSample()).Returns(new Sample(1));
        _sampler.Setup(s => s.Compute(It.IsAny<Sample>(), It.IsAny<Sample>())).Returns(11);
        var source = Source(_ => null);

        source.SampleOnce();

        Assert.Null(source.SampleOnce());
    }
}
