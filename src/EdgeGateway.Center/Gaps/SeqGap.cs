namespace EdgeGateway.Center.Gaps;

/// <summary>Seq jumped from below <paramref name="FirstMissing"/> to <paramref name="Arrived"/>.</summary>
internal readonly record struct SeqGap(long FirstMissing, long Arrived);
