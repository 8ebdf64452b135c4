using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

public sealed class PlayRecapTests
{
    private const string Output = """
        TASK [giantvm_agent : Write the agent's systemd unit] ***************************
        ok: [node0]

        PLAY RECAP *********************************************************************
        coord0                     : ok=10   changed=2    unreachable=0    failed=0    skipped=5    rescued=0    ignored=0
        node0                      : ok=6    changed=0    unreachable=1    failed=3    skipped=3    rescued=0    ignored=0

        """;

    [Fact]
    public void Parse_ReadsEveryHostsCounts()
    {
        var recap = PlayRecap.Parse(Output);
        Assert.Equal(new PlayRecap.HostCounts(10, 2, 0, 0), recap.Hosts["coord0"]);
        Assert.Equal(new PlayRecap.HostCounts(6, 0, 1, 3), recap.Hosts["node0"]);
        Assert.Equal(2, recap.Changed);
        Assert.Equal(4, recap.Failed);
    }

    [Fact]
    public void Parse_IgnoresLinesBeforeTheRecap()
    {
        var recap = PlayRecap.Parse("changed=9 looks like a count\n" + Output);
        Assert.Equal(2, recap.Hosts.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ERROR! the playbook could not be found")]
    [InlineData("PLAY RECAP ***\n")]
    public void Parse_WithoutARecap_Throws(string output) =>
        Assert.Throws<FormatException>(() => PlayRecap.Parse(output));
}
