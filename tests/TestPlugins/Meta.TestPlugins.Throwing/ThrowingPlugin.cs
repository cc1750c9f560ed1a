using Meta.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Meta.TestPlugins.Throwing;

/// <summary>A plugin whose <see cref="ConfigureServices"/> throws.</summary>
public sealed class ThrowingPlugin : IMetaPlugin
{
    /// <summary>The message of the exception thrown.</summary>
    public const string Message = "the test-throwing plugin fails on purpose";

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => throw new InvalidOperationException(Message);
}
