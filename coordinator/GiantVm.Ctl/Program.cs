using GiantVm.Ctl;

return new CtlApp(Console.Out, Console.Error).Run(args);
