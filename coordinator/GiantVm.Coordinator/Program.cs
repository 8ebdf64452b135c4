using GiantVm.Coordinator.Hosting;

return await CoordinatorCommandLine.InvokeAsync(
    args,
    (launch, token) => CoordinatorProgram.RunAsync(launch, Console.Error, token),
    Console.Error);
