using System.Reflection;
using BenchmarkDotNet.Running;

// Every [Benchmark] class in this assembly; scripts/bench.sh passes --filter and job options.
// (Not typeof(Program): the referenced executables' own Program types are visible here too.)
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
