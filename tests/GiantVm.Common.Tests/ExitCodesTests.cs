using GiantVm.Common;

namespace GiantVm.Common.Tests;

public class ExitCodesTests
{
    [Fact]
    public void ExitCodes_AreTheDocumentedOnes()
    {
        // README.md and docs/*.md promise these numbers to scripts and operators; they never change meaning
        Assert.Equal((0, 1, 2, 3), (ExitCodes.Ok, ExitCodes.Failed, ExitCodes.Usage, ExitCodes.Unreachable));
    }
}
