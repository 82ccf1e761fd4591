using Mft.Bench;

return TrainingThroughput.Run(args);
