namespace GiantVm.Linux;
