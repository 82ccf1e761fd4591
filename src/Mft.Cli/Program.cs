using Mft.Cli;

return MftApp.Run(args);
