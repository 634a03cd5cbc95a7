using Sightline.Library.Storage;

namespace Sightline.Library.Tests.Storage;

public sealed class SearchFilterBuilderTests
{
    private static SearchFilterBuilder Builder() => new((column, name) => $"{column} IN (@{name})");

    [Fact]
    public void The_driving_id_set_is_walked_and_the_others_are_probed_per_photo()
    {
        var f = Builder();
        f.AddFaces($"f.person_id = {f.Value(7L)}");
        f.AddFaces($"f.expression = {f.Value("happy")}");
        f.Add("m.kind = 0");
        Assert.Equal(2, f.IdSets.Count);
        Assert.True(f.MatchesIds);

        Assert.Contains("m.id IN (SELECT f.media_id FROM faces f WHERE f.person_id = @f0)", f.Where);
        Assert.Contains("EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id AND f.expression = @f1)", f.Where);

        f.Driver = 1;
        Assert.Contains("m.id IN (SELECT f.media_id FROM faces f WHERE f.expression = @f1)", f.Where);
        Assert.Contains("EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id AND f.person_id = @f0)", f.Where);
        Assert.Contains("(m.kind = 0)", f.Where);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(f.Where, "m\\.id IN"));
    }

    [Fact]
    public void An_id_list_drives_and_every_set_is_a_probe()
    {
        var f = Builder();
        f.AddFaces($"f.person_id = {f.Value(7L)}");
        f.AddIdList(f.AnyOf("m.id", [1L, 2L, 3L]));
        Assert.True(f.HasIdList);
        Assert.Contains("m.id IN (@f1)", f.Where);
        Assert.Contains("EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id AND f.person_id = @f0)", f.Where);
        Assert.DoesNotContain("SELECT f.media_id", f.Where);
    }
}
