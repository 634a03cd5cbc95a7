using Sightline.Cli;

return await SightlineCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
