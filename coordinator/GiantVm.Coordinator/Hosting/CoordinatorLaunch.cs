namespace GiantVm.Coordinator.Hosting;

/// <summary>What the command line asked for: an optional config file and settings that override it.</summary>
/// <param name="Overrides">Configuration keys set by flags (e.g. Coordinator:Policy, urls).</param>
public sealed record CoordinatorLaunch(string? ConfigFile, IReadOnlyDictionary<string, string?> Overrides, bool Verbose = false);
