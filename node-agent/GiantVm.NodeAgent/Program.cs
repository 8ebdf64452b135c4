using GiantVm.NodeAgent;

return await AgentCommandLine.RunAsync(args, Console.Out, Console.Error, TimeProvider.System);
