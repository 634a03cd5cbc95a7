using Sightline.Models.Registry;

namespace Sightline.Models.Tests.Registry;

public sealed class RegistryConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sightline-config-").FullName;
    private string Home => Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
    private string Project => Directory.CreateDirectory(Path.Combine(_root, "work", "project")).FullName;

    [Fact]
    public void Npm_registry_comes_from_the_environment_first()
    {
        File.WriteAllText(Path.Combine(Project, ".npmrc"), "registry=http://from-file.test/\n");
        var uri = RegistryConfiguration.ReadNpmRegistry(Project, Home, name => name == "NPM_CONFIG_REGISTRY" ? "http://mirror.test/npm" : null);
        Assert.Equal("http://mirror.test/npm/", uri.ToString());
    }

    [Fact]
    public void Npm_registry_comes_from_project_then_user_npmrc_then_default()
    {
        File.WriteAllText(Path.Combine(Home, ".npmrc"), "; comment\nfund=false\nregistry = https://user.test/\n");
        Assert.Equal("https://user.test/", RegistryConfiguration.ReadNpmRegistry(Project, Home, _ => null).ToString());
        File.WriteAllText(Path.Combine(Project, ".npmrc"), "registry=https://project.test/\n");
        Assert.Equal("https://project.test/", RegistryConfiguration.ReadNpmRegistry(Project, Home, _ => null).ToString());
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Equal(RegistryConfiguration.DefaultNpmRegistry, RegistryConfiguration.ReadNpmRegistry(empty, empty, _ => null));
    }

    [Fact]
    public void Npm_registry_that_is_not_a_url_is_a_configuration_error()
    {
        var error = Assert.Throws<ModelStoreException>(() => RegistryConfiguration.ReadNpmRegistry(Project, Home, n => n == "NPM_CONFIG_REGISTRY" ? "ftp://x" : null));
        Assert.Equal(ModelStoreErrorKind.Configuration, error.Kind);
    }

    [Fact]
    public void NuGet_sources_layer_user_and_directory_configs_with_clear_and_disable()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".nuget", "NuGet"));
        File.WriteAllText(Path.Combine(Home, ".nuget", "NuGet", "NuGet.Config"), """
            <configuration><packageSources><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>
            """);
        Assert.Equal(["https://api.nuget.org/v3/index.json"], RegistryConfiguration.ReadNuGetSources(Project, Home));

        File.WriteAllText(Path.Combine(Project, "NuGet.Config"), """
            <configuration>
              <packageSources><clear /><add key="mirror" value="http://mirror.test/v3/index.json" /><add key="local" value="feed" /><add key="off" value="http://off.test/" /></packageSources>
              <disabledPackageSources><add key="off" value="true" /></disabledPackageSources>
            </configuration>
            """);
        Assert.Equal(["http://mirror.test/v3/index.json", Path.Combine(Project, "feed")], RegistryConfiguration.ReadNuGetSources(Project, Home));
    }

    [Fact]
    public void NuGet_without_any_config_uses_nuget_org()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "bare")).FullName;
        Assert.Equal([RegistryConfiguration.DefaultNuGetSource], RegistryConfiguration.ReadNuGetSources(empty, empty));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
