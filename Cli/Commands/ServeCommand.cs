using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.Cli.Commands.Serve;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta serve</c>: a long-lived Meta process driven by JSON lines on stdin, one response line per request on stdout
/// (docs/pynn.md, "The protocol"); bulk arrays travel as .npy files in a private temporary folder. It listens on no port.
/// This is the engine behind the Python package <c>pyNN.meta</c>.
/// </summary>
internal sealed class ServeCommand(CliApp app, TextReader input, TextWriter stdout, TextWriter stderr)
{
    /// <summary>The <c>serve</c> command.</summary>
    public static Command Define(CliApp app, TextWriter stdout, TextWriter stderr)
    {
        var plugins = CommonOptions.Plugins();
        var workdir = new Option<string?>("--workdir")
        {
            Description = "the folder for .npy arrays (default: a new temporary folder, deleted at the end; a given one is kept)",
            HelpName = "DIR",
        };
        var command = new Command("serve", "serve one simulation at a time over JSON lines on stdin/stdout (the engine of pyNN.meta)")
        {
            plugins, workdir, CommonOptions.Verbose(),
        };
        command.SetAction(parsed => new ServeCommand(app, app.ServeInput ?? Console.In, stdout, stderr)
            .Execute(parsed.GetValue(plugins) ?? [], parsed.GetValue(workdir)));
        return command;
    }

    /// <summary>Announces itself (<c>{"ready": true, ...}</c>), then answers requests until <c>quit</c> or the end of input.</summary>
    public int Execute(IReadOnlyList<string> plugins, string? workdir = null)
    {
        using var catalog = app.LoadPlugins(plugins);
        foreach (var warning in RunCommand.PluginWarnings(catalog, plugins)) stderr.WriteLine($"warning: {warning}");
        string folder = workdir is null ? Directory.CreateTempSubdirectory("meta-serve-").FullName : Directory.CreateDirectory(workdir).FullName;
        try
        {
            using var session = new ServeSession(catalog, folder);
            Write(new JsonObject
            {
                ["ready"] = true,
                ["meta"] = CliApp.Version,
                ["protocol"] = 1,
                ["workdir"] = folder,
                ["backends"] = new JsonArray(catalog.Names.Select(n => (JsonNode)n!).ToArray()),
            });
            while (!session.Finished && input.ReadLine() is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                Write(Answer(session, line));
            }
            return CliApp.Success;
        }
        finally
        {
            try { if (workdir is null) Directory.Delete(folder, recursive: true); }
            catch (IOException e) { stderr.WriteLine($"warning: could not delete {folder}: {e.Message}"); }
        }
    }

    /// <summary>One response: <c>{"id", "ok": true, "result"}</c> or <c>{"id", "ok": false, "error": {"type", "message"}}</c>.</summary>
    private JsonObject Answer(ServeSession session, string line)
    {
        JsonNode? id = null;
        try
        {
            var request = new ServeRequest(ServeSession.Parse(line));
            id = request.Id is { } i ? JsonNode.Parse(i.GetRawText()) : null;
            var result = session.Handle(request);
            return new JsonObject { ["id"] = id, ["ok"] = true, ["result"] = result };
        }
#pragma warning disable CA1031 // Every failure of a request goes back to the client, typed; the server lives on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var error = ServeSession.Error(e is JsonException ? new ServeProtocolException($"a request is not valid JSON: {e.Message}") : e);
            if (e is not (MetaException or ServeProtocolException or JsonException)) error["stack"] = e.ToString();
            return new JsonObject { ["id"] = id, ["ok"] = false, ["error"] = error };
        }
    }

    private void Write(JsonObject response)
    {
        stdout.WriteLine(response.ToJsonString());
        stdout.Flush();
    }
}
