using Sightline.Server.Security;

namespace Sightline.Server.Tests.Security;

public sealed class ApiKeyCheckTests
{
    [Fact]
    public void Accepts_only_configured_keys()
    {
        var check = new ApiKeyCheck(["alpha-key", "beta-key"]);
        Assert.True(check.Required);
        Assert.True(check.Accepts("alpha-key"));
        Assert.True(check.Accepts("beta-key"));
        Assert.False(check.Accepts("alpha-ke"));
        Assert.False(check.Accepts("alpha-key "));
        Assert.False(check.Accepts(""));
        Assert.False(check.Accepts(null));
    }

    [Fact]
    public void No_keys_means_no_key_is_required()
    {
        var check = new ApiKeyCheck(["", ""]);
        Assert.False(check.Required);
        Assert.True(check.Accepts(null));
    }
}
