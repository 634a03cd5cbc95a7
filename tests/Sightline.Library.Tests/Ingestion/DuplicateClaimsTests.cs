using Sightline.Library.Ingestion;

namespace Sightline.Library.Tests.Ingestion;

public class DuplicateClaimsTests
{
    [Fact]
    public void Two_new_files_with_one_hash_are_analysed_once()
    {
        var claims = new DuplicateClaims();
        Assert.Equal(HashDecision.Analyse, claims.Claim("h1", stored: false));
        Assert.Equal(HashDecision.LinkToPending, claims.Claim("h1", stored: false));
        Assert.Equal(HashDecision.Analyse, claims.Claim("h2", stored: false));
    }

    [Fact]
    public void Content_the_library_holds_is_only_linked()
    {
        var claims = new DuplicateClaims();
        Assert.Equal(HashDecision.LinkToStored, claims.Claim("h1", stored: true));
        Assert.Equal(HashDecision.LinkToStored, claims.Claim("h1", stored: true));
    }

    [Fact]
    public void Concurrent_claims_of_one_hash_give_one_analysis()
    {
        var claims = new DuplicateClaims();
        var decisions = new HashDecision[64];
        Parallel.For(0, decisions.Length, i => decisions[i] = claims.Claim("same", stored: false));
        Assert.Single(decisions, d => d == HashDecision.Analyse);
    }
}
