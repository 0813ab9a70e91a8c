using TensorPool.Cli;

return TpCommand.Run(args);
