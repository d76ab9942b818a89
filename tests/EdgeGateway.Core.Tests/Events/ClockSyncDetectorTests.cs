using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Events;

/// <summary>Each source's answer, and the cache on the injected clock.</summary>
public sealed class ClockSyncDetectorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clock-sync-").FullName;
    private readonly FakeTimeProvider _time = new();

    private string FlagFile => Path.Combine(_directory, "synchronized");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FlagFilePresent_Synchronised_FromTimesyncd_KernelNotAsked()
    {
        File.WriteAllBytes(FlagFile, []);
        var kernel = FixedKernelClock.Refused();

        var status = new ClockSyncDetector(_time, FlagFile, kernel).Status();

        Assert.Equal(new ClockSyncStatus(true, ClockSyncDetector.TimesyncdSource, $"synchronised: {FlagFile} exists (systemd-timesyncd)"), status);
        Assert.Equal(0, kernel.Reads);
    }

    [Fact]
    public void NoFlagFile_KernelSynchronised_AdjtimexAnswers()
    {
        var detector = new ClockSyncDetector(_time, FlagFile, FixedKernelClock.Synchronized());

        Assert.True(detector.IsSynchronized);
        Assert.Equal(ClockSyncDetector.AdjtimexSource, detector.Status().Source);
    }

    [Fact]
    public void NoFlagFile_KernelTimeError_NotSynchronised()
    {
        var status = new ClockSyncDetector(_time, FlagFile, FixedKernelClock.Unsynchronized()).Status();

        Assert.False(status.Synchronized);
        Assert.Equal(ClockSyncDetector.AdjtimexSource, status.Source);
        Assert.Contains("unsynchronised", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFlagFile_AdjtimexRefused_NotSynchronised_NoSource_SaysWhy()
    {
        var status = new ClockSyncDetector(_time, FlagFile, FixedKernelClock.Refused()).Status();

        Assert.False(status.Synchronized);
        Assert.Equal(ClockSyncDetector.NoSource, status.Source);
        Assert.Contains($"{FlagFile} does not exist and adjtimex is refused (errno 1; the unit's ProtectClock=yes)", status.Detail, StringComparison.Ordinal);
        Assert.Contains("deploy/systemd/README.md", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_IsKeptForTheRecheckInterval_ThenAskedAgain()
    {
        var kernel = FixedKernelClock.Refused();
        var detector = new ClockSyncDetector(_time, FlagFile, kernel);
        Assert.False(detector.IsSynchronized);

        // timesyncd synchronises: seen once the answer is RecheckInterval old, not before.
        File.WriteAllBytes(FlagFile, []);
        _time.Advance(ClockSyncDetector.RecheckInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(detector.IsSynchronized);
        Assert.Equal(1, kernel.Reads);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(detector.IsSynchronized);
        Assert.Equal(ClockSyncDetector.TimesyncdSource, detector.Status().Source);
    }

    [Fact]
    public void Detect_IsNeverCached()
    {
        var kernel = FixedKernelClock.Synchronized();
        var detector = new ClockSyncDetector(_time, FlagFile, kernel);
        Assert.True(detector.Detect().Synchronized);

        kernel.Reading = new KernelClockReading(KernelClockReading.TimeError, 0);

        Assert.False(detector.Detect().Synchronized);
        Assert.Equal(2, kernel.Reads);
    }
}
