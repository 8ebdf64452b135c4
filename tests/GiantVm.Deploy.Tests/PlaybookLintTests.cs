using GiantVm.Deploy.Tests.Infrastructure;

namespace GiantVm.Deploy.Tests;

/// <summary>ansible-lint (production profile, ansible/.ansible-lint) and a syntax check of site.yml: they change nothing, so they run beside the playbook runs.</summary>
[Collection(ValidationCollection.Name)]
[Trait("Category", "e2e")]
public sealed class PlaybookLintTests
{
    [Fact]
    public async Task AnsibleLint_ProductionProfile_ReportsNothing()
    {
        var lint = await AnsibleRunner.LintAsync();
        Assert.True(lint.ExitCode == 0, lint.Describe());
        Assert.Contains("Passed with production profile: 0 failure(s), 0 warning(s)", lint.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyntaxCheck_OfSitePlaybook_WithTheExampleInventory_Passes()
    {
        var check = await AnsibleRunner.PlaybookAsync("inventory/example.ini", "--syntax-check");
        Assert.True(check.ExitCode == 0, check.Describe());
    }
}
