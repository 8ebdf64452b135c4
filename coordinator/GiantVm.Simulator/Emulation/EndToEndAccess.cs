using System.Runtime.CompilerServices;

// The end-to-end tests run the emulator loop in-process next to the real agent readers.
[assembly: InternalsVisibleTo("GiantVm.EndToEnd.Tests")]
