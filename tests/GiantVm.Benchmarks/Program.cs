using BenchmarkDotNet.Running;

// Every [Benchmark] class in this assembly; scripts/bench.sh passes --filter and job options.
// GetExecutingAssembly, not typeof(Program): the referenced executables (giantvm-agent, ...) expose a
// Program type of their own to this assembly (InternalsVisibleTo), which made typeof(Program) ambiguous (CS0436).
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
