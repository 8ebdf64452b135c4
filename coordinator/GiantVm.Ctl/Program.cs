using GiantVm.Ctl;
using GiantVm.Ctl.Cli;

return new CtlApp(Console.Out, Console.Error, Console.In, width: TerminalWidth.Detect()).Run(args);
