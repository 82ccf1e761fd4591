using Mft.Bench;

return BenchCommand.Run(args);
