using GiantVm.Ctl;

return new CtlApp(Console.Out, Console.Error, Console.In).Run(args);
