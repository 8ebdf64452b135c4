using GiantVm.Simulator.Cli;

return SimCli.Run(args, Console.Out, Console.Error);
