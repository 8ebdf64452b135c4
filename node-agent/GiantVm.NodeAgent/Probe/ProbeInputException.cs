namespace GiantVm.NodeAgent.Probe;

/// <summary>A user error found before or while probing (bad root, bad regex, missing file): exit code 2.</summary>
internal sealed class ProbeInputException(string message) : Exception(message);
