import AsyncHTTPClient
import Foundation
import Synchronization

/// HTTP clients that connect a host name to one address checked beforehand (AsyncHTTPClient's
/// `dnsOverride`), so a DNS answer that changes between the check and the connection (rebinding)
/// cannot send a call elsewhere. TLS still verifies the certificate for the host name.
///
/// One client per (host, address), so connections are pooled across calls; at most `capacity`
/// are kept, and one pushed out is shut down only after `retireAfter`, when calls it may still
/// carry are past their timeout.
final class PinnedClients: Sendable {
    private struct Entry {
        var client: HTTPClient
        var lastUsed: ContinuousClock.Instant
    }

    private let configuration: HTTPClient.Configuration
    private let capacity: Int
    private let retireAfter: Duration
    private let entries = Mutex<[String: Entry]>([:])

    init(configuration: HTTPClient.Configuration, capacity: Int = 32, retireAfter: Duration) {
        self.configuration = configuration
        self.capacity = max(1, capacity)
        self.retireAfter = retireAfter
    }

    /// The client whose connections to `host` go to `address` only.
    func client(host: String, address: String) -> HTTPClient {
        let key = host + "@" + address
        let (client, retired) = entries.withLock { entries -> (HTTPClient, HTTPClient?) in
            if var entry = entries[key] {
                entry.lastUsed = .now
                entries[key] = entry
                return (entry.client, nil)
            }
            var retired: HTTPClient?
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                retired = oldest.value.client
                entries[oldest.key] = nil
            }
            var pinned = configuration
            pinned.dnsOverride = [host: address]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: pinned)
            entries[key] = Entry(client: client, lastUsed: .now)
            return (client, retired)
        }
        if let retired {
            let delay = retireAfter
            Task {
                try? await Task.sleep(for: delay)
                try? await retired.shutdown()
            }
        }
        return client
    }

    /// How many clients are kept now.
    var count: Int { entries.withLock { $0.count } }

    func shutdown() async {
        let clients = entries.withLock { entries -> [HTTPClient] in
            defer { entries = [:] }
            return entries.values.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
    }
}
