namespace GiantVm.Docs.Tests;

public sealed class DocumentationLinkTests
{
    /// <summary>The repository root: the nearest folder above the test binary holding GiantVm.sln.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GiantVm.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no GiantVm.sln above {AppContext.BaseDirectory}");
    }

    public static TheoryData<string> MarkdownFiles()
    {
        var root = RepositoryRoot();
        var files = new TheoryData<string> { "README.md", "CHANGELOG.md" };
        foreach (var file in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
            files.Add(Path.GetRelativePath(root, file));
        return files;
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void RelativeLinks_PointAtExistingFilesAndHeadings(string file)
    {
        var root = RepositoryRoot();
        var path = Path.Combine(root, file);

        var problems = MarkdownLinks.Problems(path).Select(p => Path.GetRelativePath(root, p.Split(':')[0]) + p[p.IndexOf(':', StringComparison.Ordinal)..]);

        Assert.Empty(problems);
    }

    [Fact]
    public void Readme_LinksToEveryDocsPage()
    {
        var root = RepositoryRoot();
        var linked = MarkdownLinks.Links(File.ReadAllText(Path.Combine(root, "README.md")))
            .Select(l => l.Target.Split('#')[0]).ToHashSet(StringComparer.Ordinal);

        var unlinked = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Select(f => "docs/" + Path.GetFileName(f)).Where(p => !linked.Contains(p)).ToList();

        Assert.Empty(unlinked);
    }

    [Fact]
    public void Problems_ReportMissingFileAndMissingHeading_ButNotGoodLinksOrLinksInCode()
    {
        var dir = Directory.CreateTempSubdirectory("giantvm-docs-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "other.md"), "# Other page\n\n## Running as a cluster\n");
            var page = Path.Combine(dir.FullName, "page.md");
            File.WriteAllText(page, string.Join('\n',
                "# Page",
                "[good](other.md) [good anchor](other.md#running-as-a-cluster) [self](#page) [web](https://example.org/x)",
                "[gone](missing.md)",
                "[bad anchor](other.md#running-as-a-member)",
                "`[in code](nowhere.md)`",
                "```",
                "[in a fence](nowhere.md)",
                "```"));

            var problems = MarkdownLinks.Problems(page);

            Assert.Equal(2, problems.Count);
            Assert.Contains(problems, p => p.Contains(":3: missing.md: no file missing.md", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains(":4: other.md#running-as-a-member: no heading #running-as-a-member", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Running as a cluster", "running-as-a-cluster")]
    [InlineData("Cost of the running agent (measured)", "cost-of-the-running-agent-measured")]
    [InlineData("A real NUMA guest: `scripts/numa-guest.sh`", "a-real-numa-guest-scriptsnuma-guestsh")]
    [InlineData("Insecure: what it means", "insecure-what-it-means")]
    [InlineData("Offline verbs: `plan` and `policy validate`", "offline-verbs-plan-and-policy-validate")]
    public void Slug_FollowsGitHubAnchors(string heading, string anchor) =>
        Assert.Equal(anchor, MarkdownLinks.Slug(heading));

    [Fact]
    public void Anchors_NumberRepeatedHeadings()
    {
        var anchors = MarkdownLinks.Anchors("# A\n## Options\n## Options\n```\n# not a heading\n```\n");

        Assert.Equal(["a", "options", "options-1"], anchors.Order(StringComparer.Ordinal));
    }
}
