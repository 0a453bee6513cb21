import Foundation

/// What a verifier sees of one request: the raw body exactly as received, the headers, and the
/// time it is judged at (from an injectable clock, so that timestamp tolerances can be tested).
public struct AuthRequest {
    /// The body bytes as received; signatures are checked over these, never over re-encoded JSON.
    public var body: [UInt8]
    public var headers: any HTTPHeaderLookup
    /// The time timestamps and `iat` claims are compared with.
    public var now: Date

    public init(body: [UInt8], headers: any HTTPHeaderLookup, now: Date) {
        self.body = body
        self.headers = headers
        self.now = now
    }

    /// A request judged at the clock's current time.
    public init(body: [UInt8], headers: any HTTPHeaderLookup, clock: AuthClock = .system) {
        self.init(body: body, headers: headers, now: clock.now())
    }

    /// The header's value, or `missingHeader` naming it.
    func require(_ name: String) throws(AuthError) -> String {
        guard let value = headers.value(forName: name) else { throw .missingHeader(name) }
        return value
    }
}
