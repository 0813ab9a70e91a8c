using TensorPool.BindingsGen;

// TensorPool.BindingsGen: native/include/tensorpool/*.h → bindings/TensorPool.Native/Generated/*.g.cs and native/abi/.
// Exit codes: 0 done (or --check found no difference), 1 bindings stale or headers not bindable, 2 usage.
return Cli.Run(args, Console.Out, Console.Error);
