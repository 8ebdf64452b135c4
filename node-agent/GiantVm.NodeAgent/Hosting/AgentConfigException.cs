namespace GiantVm.NodeAgent.Hosting;

/// <summary>A configuration the agent cannot run with; the message names the flag/key and what to do.</summary>
internal sealed class AgentConfigException(string message) : Exception(message);
