using EdgeGateway.Core.Events;
using EdgeGateway.TestKit;
using Xunit.Sdk;

namespace EdgeGateway.Mqtt.Tests.Uplink;

/// <summary>The harness checks what the gateway publishes against docs/schemas, and an off-contract message fails the test.</summary>
public sealed class ContractCheckTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task GatewaysMessages_AreCheckedAgainstTheSchemas()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        await using var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();
        harness.Append(EventKind.Panic, EventKind.Door, EventKind.Tamper);

        await harness.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => harness.Store.Depth.Total == 0, s_wait);

        var (violations, checkedCount) = harness.Contract.Check();
        Assert.Empty(violations);
        // Three events and the online status.
        Assert.True(checkedCount >= 4, $"only {checkedCount} messages checked");
    }

    [Fact]
    public async Task OffContractEvent_FailsTheTestWhenTheHarnessIsDisposed()
    {
        var harness = await UplinkHarness.CreateAsync();
        // The recorder only subscribes (an alarm needs a subscriber to leave the outbox); the harness checks the contract.
        await using var center = new MqttRecorder(harness.Broker.Port);
        center.Contract.NotFromGateway(harness.Topics.Alarm);
        await center.StartAsync();
        harness.Store.AppendNext([new EventDraft("not-a-uuid", "office-panic", EventKind.Panic, EventState.Active, TimeProvider.System.GetUtcNow(), true, "here")]);
        await harness.StartAsync();
        await GatewayProcess.WaitUntilAsync(() => harness.Store.Depth.Total == 0, s_wait);

        var failure = await Assert.ThrowsAsync<FailException>(async () => await harness.DisposeAsync());

        Assert.Contains("campus/v1/s1/gw-test/alarm", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-uuid", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recorder_FailsTheTestOnDispose_WhenAnOffContractMessageArrived()
    {
        await using var harness = await UplinkHarness.CreateAsync();
        var center = new MqttRecorder(harness.Broker.Port);
        await center.StartAsync();

        await center.PublishAsync("campus/v1/s1/gw-test/event", """{"v":1,"kind":"door"}""");
        await center.PublishAsync("campus/v1/s1/gw-test/ack", "{not json");
        await GatewayProcess.WaitUntilAsync(() => center.Messages.Count == 2, s_wait);

        var failure = await Assert.ThrowsAsync<FailException>(async () => await center.DisposeAsync());
        Assert.StartsWith("1 message(s) off the contract", failure.Message, StringComparison.Ordinal);
        Assert.Contains("campus/v1/s1/gw-test/event", failure.Message, StringComparison.Ordinal);
    }
}
