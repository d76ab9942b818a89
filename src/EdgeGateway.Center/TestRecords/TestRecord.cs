namespace EdgeGateway.Center.TestRecords;

/// <summary>
/// One input proven by a test press (test mode or a walk test): when it was pressed (the gateway's <c>ts</c>), who ran
/// the test, and the round trip of an alarm from the press to the center's ack as the gateway measured it (its health's
/// <c>proven</c>); null until that health arrives, and for an event, which has no ack.
/// </summary>
public sealed record TestRecord(
    string EventId,
    string Site,
    string Gateway,
    string Input,
    string Kind,
    string Location,
    DateTimeOffset PressedAt,
    DateTimeOffset ReceivedAt,
    string TestedBy,
    long? RoundTripMs);

/// <summary>An input a gateway reported in its <c>status</c>: what a test report expects to see proven.</summary>
public sealed record KnownInput(string Site, string Gateway, string Input, string Kind, string Location);
