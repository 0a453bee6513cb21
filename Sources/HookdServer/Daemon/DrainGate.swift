import ServiceLifecycle

/// The first service to hear of a graceful shutdown (it is last in the group, which shuts down in
/// reverse order): from then on the receipt answers 503 to new requests, while the webhook
/// listener, shut down next, lets the requests under way finish.
struct DrainGate: Service {
    let receipt: Receipt

    func run() async throws {
        try? await gracefulShutdown()
        receipt.isDraining = true
    }
}
