using TensorPool.Bench.Cli;

return BenchTool.Run(args, Console.Out, Console.Error);
