using Meta.Backends;
using Meta.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Tests.Plugins;

public sealed class PluginServiceCollectionTests : IDisposable
{
    private readonly TempPluginFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    private PluginHostOptions GoodOnly() => new()
    {
        IncludeDefaultFolder = false,
        IncludeEnvironment = false,
        AdditionalFolders = [_temp.CopyPlugin(TempPluginFolders.Good)],
    };

    [Fact]
    public void AddMetaPlugins_registers_the_catalog_and_each_backend()
    {
        using var provider = new ServiceCollection().AddMetaPlugins(GoodOnly()).BuildServiceProvider();

        var backends = provider.GetServices<IBackend>().ToList();
        backends.Should().ContainSingle().Which.Descriptor.Name.Should().Be("test-good");
        var catalog = provider.GetRequiredService<PluginCatalog>();
        catalog.Get("test-good").Should().BeSameAs(backends[0]);
        provider.GetRequiredService<IBackend>().Should().BeSameAs(backends[0]);
    }

    [Fact]
    public void AddMetaPlugins_accepts_a_loaded_catalog_and_refuses_a_second_registration()
    {
        using var catalog = PluginHost.Load(GoodOnly());
        var services = new ServiceCollection().AddMetaPlugins(catalog);

        using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<PluginCatalog>().Should().BeSameAs(catalog);
            provider.GetServices<IBackend>().Should().Equal(catalog.Backends.Select(b => b.Backend));
        }

        var again = () => services.AddMetaPlugins(catalog);
        again.Should().Throw<InvalidOperationException>();
    }
}
