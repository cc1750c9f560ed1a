using System.Runtime.InteropServices;
using Meta.Cli.Commands;

// Ctrl-C and SIGTERM stop a run between steps; it then writes what was recorded. A second Ctrl-C ends the process.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

return new CliApp
{
    ErrorIsTerminal = !Console.IsErrorRedirected,
    OutputIsTerminal = !Console.IsOutputRedirected,
    Cancellation = cancellation.Token,
}.Execute(args, Console.Out, Console.Error);
