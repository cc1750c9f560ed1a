using Meta.Cli.Commands;

return new CliApp { ErrorIsTerminal = !Console.IsErrorRedirected }.Execute(args, Console.Out, Console.Error);
