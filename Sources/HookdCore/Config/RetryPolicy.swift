/// How failed rule runs are retried (`retry:`): the n-th retry waits `backoff * 2^(n-1)`, at most
/// `maxBackoff`, and after `maxAttempts` the job is dead.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var backoff: Duration
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 12, backoff: Duration = .seconds(30), maxBackoff: Duration = .seconds(24 * 3600)) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before retry number `retry` (1 for the first retry), before jitter.
    public func delay(beforeRetry retry: Int) -> Duration {
        var delay = backoff
        for _ in 1..<max(retry, 1) {
            delay *= 2
            if delay >= maxBackoff { return maxBackoff }
        }
        return min(delay, maxBackoff)
    }
}
