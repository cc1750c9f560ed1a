using Meta.Backends;
using Meta.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.Tests.Plugins;

/// <summary>Backend resolution and admission, driven with in-process fakes instead of plugin assemblies.</summary>
public sealed class PluginInternalsTests
{
    private sealed class FakeBackend(BackendDescriptor? descriptor) : IBackend
    {
        public FakeBackend() : this(Describe("fake"))
        {
        }

        public BackendDescriptor Descriptor => descriptor!;
        public IReadOnlyList<string> Devices => [];
        public ISimulationEngine CreateEngine(EngineOptions options) => throw new NotSupportedByBackendException("fake", "simulation");

        public static BackendDescriptor Describe(string name, int contract = Contract.Version) =>
            new(name, "1", contract, "fake", new BackendCapabilities());
    }

    private sealed class ThrowingConstructorBackend : IBackend
    {
        public ThrowingConstructorBackend() => throw new InvalidOperationException("constructor fails");
        public BackendDescriptor Descriptor => throw new NotImplementedException();
        public IReadOnlyList<string> Devices => [];
        public ISimulationEngine CreateEngine(EngineOptions options) => throw new NotImplementedException();
    }

    private sealed class ThrowingDescriptorBackend : IBackend
    {
        public BackendDescriptor Descriptor => throw new InvalidOperationException("no descriptor today");
        public IReadOnlyList<string> Devices => [];
        public ISimulationEngine CreateEngine(EngineOptions options) => throw new NotImplementedException();
    }

    private static (IReadOnlyList<IBackend> Backends, List<string> Reports) Resolve(IServiceCollection services)
    {
        var reports = new List<string>();
        var owned = new List<IDisposable>();
        using var provider = services.BuildServiceProvider();
        var backends = BackendResolver.Resolve(provider, services, typeof(PluginInternalsTests), reports.Add, owned.Add);
        return (backends, reports);
    }

    [Fact]
    public void One_throwing_backend_constructor_does_not_hide_the_other_backends()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IBackend>(new FakeBackend(FakeBackend.Describe("first")));
        services.AddSingleton<IBackend, ThrowingConstructorBackend>();
        services.AddSingleton<IBackend>(_ => new FakeBackend(FakeBackend.Describe("third")));

        var (backends, reports) = Resolve(services);

        backends.Select(b => b.Descriptor.Name).Should().Equal("first", "third");
        reports.Should().ContainSingle().Which.Should().Contain(nameof(ThrowingConstructorBackend))
            .And.Contain(nameof(InvalidOperationException)).And.Contain("constructor fails");
    }

    [Fact]
    public void A_plugin_registering_no_backend_is_reported()
    {
        var (backends, reports) = Resolve(new ServiceCollection());

        backends.Should().BeEmpty();
        reports.Should().ContainSingle().Which.Should().Contain("registered no IBackend");
    }

    [Fact]
    public void A_throwing_descriptor_is_refused_with_the_exception()
    {
        BackendAdmission.TryAdmit(new ThrowingDescriptorBackend(), "folder", "a.dll", out var loaded, out var reason).Should().BeFalse();

        loaded.Should().BeNull();
        reason.Should().Contain(nameof(ThrowingDescriptorBackend)).And.Contain("InvalidOperationException: no descriptor today");
    }

    [Fact]
    public void Null_descriptor_or_empty_name_is_refused()
    {
        BackendAdmission.TryAdmit(new FakeBackend(null), "folder", "a.dll", out _, out var nullReason).Should().BeFalse();
        nullReason.Should().Contain("no descriptor");

        BackendAdmission.TryAdmit(new FakeBackend(FakeBackend.Describe(" ")), "folder", "a.dll", out _, out var nameReason).Should().BeFalse();
        nameReason.Should().Contain("no name");
    }

    [Fact]
    public void Contract_version_mismatch_names_both_versions_and_the_folder()
    {
        BackendAdmission.TryAdmit(new FakeBackend(FakeBackend.Describe("old", 0)), "/plugins/old", "a.dll", out _, out var reason)
            .Should().BeFalse();

        reason.Should().Be($"backend 'old' from /plugins/old was built against contract version 0; this host supports version {Contract.Version}");
    }

    [Fact]
    public void Exception_text_is_one_line_and_unwraps_reflection()
    {
        var wrapped = new System.Reflection.TargetInvocationException(new InvalidOperationException("line one\nline two", new FormatException("inner")));

        ExceptionText.Describe(wrapped).Should().Be("InvalidOperationException: line one line two ---> FormatException: inner");
    }
}
