using System.Text;

namespace SalesforceAuth.Cli.Tests;

/// <summary><c>--refresh-token-file</c>: with rotation on, every run must leave the next run the token Salesforce will accept.</summary>
public sealed class RefreshTokenFileTests
{
    private static async Task<(CliHarness Harness, string File, string Original)> StartRotatingAsync()
    {
        var harness = await CliHarness.StartAsync(TestContext.Current.CancellationToken);
        harness.App.RefreshTokenRotation = true;
        var original = harness.Emulator.IssueRefreshToken(harness.App, harness.User);
        var file = harness.Write("refresh-token", original + "\n");
        harness.Environment["SF_FLOW"] = "refresh-token";
        harness.Environment["SF_CLIENT_SECRET"] = harness.App.ConsumerSecret;
        harness.Environment["SF_REFRESH_TOKEN_FILE"] = file;
        return (harness, file, original);
    }

    private static string ReadToken(string file) => File.ReadAllText(file).Trim();

    [Fact]
    public async Task Token_RotationAcrossTwoRuns_EachRunSavesTheNewTokenBeforePrinting()
    {
        var (harness, file, original) = await StartRotatingAsync();
        await using var disposeHarness = harness;

        // Run 1, watching stdout: when the first character is printed, the file must already hold the new token.
        string? atFirstOutput = null;
        using var stdout = new FirstWriteWriter(() => atFirstOutput ??= ReadToken(file));
        using var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(["token", "--json"], stdout, stderr, harness.Environment, TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, $"{stdout}{stderr}");
        var second = ReadToken(file);
        Assert.NotEqual(original, second);
        Assert.Equal(second, atFirstOutput);

        // Run 2 presents the rotated token; had run 1 thrown it away, presenting the retired one would revoke the chain.
        var run2 = await harness.RunAsync("token", "--json");

        Assert.True(run2.ExitCode == 0, run2.ToString());
        var third = ReadToken(file);
        Assert.NotEqual(second, third);
        foreach (var token in new[] { original, second, third })
        {
            Assert.DoesNotContain(token, stdout + stderr.ToString() + run2.Stdout + run2.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Token_Rotation_ReplacesTheFileOwnerOnlyWithoutLeavingTemporaryFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("File modes are a Unix notion.");
            return;
        }

        var (harness, file, _) = await StartRotatingAsync();
        await using var disposeHarness = harness;
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await harness.RunAsync("token", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal([file], Directory.GetFiles(Path.GetDirectoryName(file)!, "*refresh-token*"));
    }

    [Fact]
    public async Task Call_Rotation_SavesTheNewTokenToo()
    {
        var (harness, file, original) = await StartRotatingAsync();
        await using var disposeHarness = harness;

        var result = await harness.RunAsync("call", "/services/data/v62.0/", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEqual(original, ReadToken(file));
    }

    [Fact]
    public async Task Doctor_Rotation_SavesTheNewTokenSoTheNextRunWorks()
    {
        var (harness, file, original) = await StartRotatingAsync();
        await using var disposeHarness = harness;

        var doctor = await harness.RunAsync("doctor", "--json");
        var token = await harness.RunAsync("token", "--json");

        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.NotEqual(original, ReadToken(file));
        Assert.True(token.ExitCode == 0, token.ToString());
    }

    [Fact]
    public async Task Token_FileAndRefreshTokenBoth_Exit2()
    {
        var (harness, _, original) = await StartRotatingAsync();
        await using var disposeHarness = harness;
        harness.Environment["SF_REFRESH_TOKEN"] = original;

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SF_REFRESH_TOKEN_FILE", (string)result.Error["summary"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_MissingFile_Exit2NamingTheSetting()
    {
        var (harness, file, _) = await StartRotatingAsync();
        await using var disposeHarness = harness;
        harness.Environment["SF_REFRESH_TOKEN_FILE"] = file + ".missing";

        var result = await harness.RunAsync("token", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--refresh-token-file (or SF_REFRESH_TOKEN_FILE)", (string)result.Error["summary"]!, StringComparison.Ordinal);
    }

    /// <summary>A StringWriter that calls back on the first character written, whichever overload writes it.</summary>
    private sealed class FirstWriteWriter(Action onFirstWrite) : StringWriter
    {
        private bool _written;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            Observe();
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Observe();
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Observe();
            base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Observe();
            base.Write(buffer);
        }

        public override void WriteLine(ReadOnlySpan<char> buffer)
        {
            Observe();
            base.WriteLine(buffer);
        }

        public override void WriteLine(string? value)
        {
            Observe();
            base.WriteLine(value);
        }

        private void Observe()
        {
            if (!_written)
            {
                _written = true;
                onFirstWrite();
            }
        }
    }
}
