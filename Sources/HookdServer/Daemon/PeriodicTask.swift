import ServiceLifecycle

/// Runs `work` at once and then every `interval`, until a graceful shutdown.
struct PeriodicTask: Service {
    let interval: Duration
    let work: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await work()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
