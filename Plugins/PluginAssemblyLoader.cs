using System.Reflection;
using McMaster.NETCore.Plugins;
using Meta.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Plugins;

/// <summary>
/// Loads one plugin assembly into a load context of its own (sharing the contract types with the host), creates
/// its <see cref="IMetaPlugin"/>s and collects the backends they register. Every failure is reported, never thrown.
/// </summary>
internal static class PluginAssemblyLoader
{
    /// <summary>
    /// Types whose assemblies the plugin must take from the host: the contract (Meta.Backends.Contract, with Meta.Core) and
    /// dependency injection's abstractions, so that the plugin's <see cref="IMetaPlugin"/> and <see cref="IBackend"/>
    /// are the host's.
    /// </summary>
    private static readonly Type[] SharedTypes = [typeof(IMetaPlugin), typeof(IBackend), typeof(IServiceCollection)];

    /// <summary>
    /// Loads the plugin at <paramref name="assemblyPath"/>. Returns null (after reporting why) when nothing could be
    /// loaded; otherwise the loaded plugin, whose <see cref="PluginAssembly.Backends"/> may still be empty.
    /// </summary>
    public static PluginAssembly? Load(string folder, string assemblyPath, ICollection<PluginProblem> problems)
    {
        void Report(string reason) => problems.Add(new PluginProblem(folder, assemblyPath, reason));

        var depsJson = Path.Combine(Path.GetDirectoryName(assemblyPath)!, Path.GetFileNameWithoutExtension(assemblyPath) + ".deps.json");
        if (File.Exists(depsJson) && !DepsJsonValidator.TryValidate(depsJson, out var depsFault))
        {
            Report(depsFault);
            return null;
        }

        PluginLoader loader;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, config => config.PreferSharedTypes = true);
        }
        catch (Exception e)
        {
            // Every plugin failure becomes a reported problem.
            Report($"could not create a load context for the plugin: {ExceptionText.Describe(e)}");
            return null;
        }

        var plugin = new PluginAssembly(folder, assemblyPath, loader);
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            var pluginTypes = FindPluginTypes(assembly, Report);
            if (pluginTypes.Count == 0)
            {
                Report(NoPluginTypeReason(assembly));
                plugin.Dispose();
                return null;
            }

            foreach (var type in pluginTypes)
            {
                plugin.Backends.AddRange(RunPlugin(type, plugin, Report));
            }

            return plugin;
        }
        catch (Exception e)
        {
            Report($"could not load the plugin assembly: {ExceptionText.Describe(e)}");
            plugin.Dispose();
            return null;
        }
    }

    /// <summary>Public, concrete, non-generic classes implementing the host's <see cref="IMetaPlugin"/>.</summary>
    private static List<Type> FindPluginTypes(Assembly assembly, Action<string> report)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            report($"some types of the plugin assembly could not be loaded: {ExceptionText.Describe(e)}");
            types = e.Types.OfType<Type>().ToArray();
        }

        return types
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
                        && (t.IsPublic || t.IsNestedPublic)
                        && typeof(IMetaPlugin).IsAssignableFrom(t))
            .ToList();
    }

    /// <summary>Why no plugin type was found, spotting a plugin built against another copy of the contract assembly.</summary>
    private static string NoPluginTypeReason(Assembly assembly)
    {
        var contract = typeof(IMetaPlugin);
        var foreign = assembly.GetExportedTypes()
            .SelectMany(t => t.GetInterfaces().Select(i => (Type: t, Interface: i)))
            .FirstOrDefault(p => p.Interface.FullName == contract.FullName && p.Interface != contract);
        if (foreign.Type is not null)
        {
            return $"{foreign.Type.FullName} implements {contract.FullName} from another copy of {contract.Assembly.GetName().Name} " +
                   $"({foreign.Interface.Assembly.GetName().Version}, {foreign.Interface.Assembly.Location}) than the host's " +
                   $"({contract.Assembly.GetName().Version}); the plugin must use the host's contract assembly";
        }

        return $"no public class implementing {contract.FullName} found in {Path.GetFileName(assembly.Location)}";
    }

    /// <summary>Creates one plugin, lets it configure a fresh service collection and resolves its backends.</summary>
    private static IReadOnlyList<IBackend> RunPlugin(Type type, PluginAssembly plugin, Action<string> report)
    {
        IMetaPlugin instance;
        try
        {
            instance = (IMetaPlugin)Activator.CreateInstance(type)!;
        }
        catch (Exception e)
        {
            // Every plugin failure becomes a reported problem.
            report($"could not create plugin {type.FullName}: {ExceptionText.Describe(e)}");
            return [];
        }

        if (instance is IDisposable disposable)
        {
            plugin.Own(disposable);
        }

        var services = new ServiceCollection();
        try
        {
            instance.ConfigureServices(services);
        }
        catch (Exception e)
        {
            report($"{type.FullName}.{nameof(IMetaPlugin.ConfigureServices)} failed: {ExceptionText.Describe(e)}");
            return [];
        }

        ServiceProvider provider;
        try
        {
            provider = services.BuildServiceProvider();
        }
        catch (Exception e)
        {
            report($"building the services of plugin {type.FullName} failed: {ExceptionText.Describe(e)}");
            return [];
        }

        plugin.Own(provider);
        return BackendResolver.Resolve(provider, services, type, report, plugin.Own);
    }
}
