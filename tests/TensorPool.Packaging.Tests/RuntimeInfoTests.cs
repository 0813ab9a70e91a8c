namespace TensorPool.Packaging.Tests;

/// <summary><c>TensorPoolRuntime</c> in this process: the versions it reports come from Version.props.</summary>
public class RuntimeInfoTests
{
    private static string VersionPrefix() => PackageFeed.VersionPrefix;

    [Test]
    public void Native_version_is_the_VersionPrefix_and_the_library_says_where_it_was_loaded_from()
    {
        Assert.That(TensorPoolRuntime.NativeVersion, Is.EqualTo(VersionPrefix()));
        Assert.That(TensorPoolRuntime.NativeLibraryPath, Does.EndWith("libtensorpool.so"));
        Assert.That(TensorPoolRuntime.NativeVersionMatches, Is.True);
    }

    [Test]
    public void Managed_version_is_the_package_version_without_build_metadata()
    {
        Assert.That(TensorPoolRuntime.Version, Does.StartWith(VersionPrefix()));
        Assert.That(TensorPoolRuntime.Version, Does.Not.Contain('+'), "the source revision is not part of the package version");
    }

    [TestCase("0.1.0", "0.1.0")]
    [TestCase("0.1.0-dev", "0.1.0")]
    [TestCase("0.1.0-dev+0123abc", "0.1.0")]
    [TestCase("1.2.3+abc", "1.2.3")]
    public void Version_prefix_drops_the_pre_release_label_and_metadata(string version, string prefix) =>
        Assert.That(TensorPoolRuntime.VersionPrefix(version), Is.EqualTo(prefix));
}
