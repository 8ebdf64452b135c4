using BenchmarkDotNet.Running;

// Every [Benchmark] class in this assembly; scripts/bench.sh passes --filter and job options.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
