using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/TensorPool.Benchmarks -- --filter '*'` (or ./build.sh bench).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
