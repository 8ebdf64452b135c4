using System.Runtime.CompilerServices;

// The end-to-end tests drive the emulated executor against an in-process emulator.
[assembly: InternalsVisibleTo("GiantVm.EndToEnd.Tests")]
