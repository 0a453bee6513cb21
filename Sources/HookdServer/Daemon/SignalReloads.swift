import ServiceLifecycle
import UnixSignals

/// Reloads on SIGHUP (SPEC §5), one reload after another, until a graceful shutdown.
struct SignalReloads: Service {
    let signals: [UnixSignal]
    let reloader: Reloader

    func run() async throws {
        guard !signals.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        for await signal in await UnixSignalsSequence(trapping: signals).cancelOnGracefulShutdown() {
            await reloader.reload(trigger: "\(signal)")
        }
    }
}
