/// Why an outbound call was refused or failed; the message is what the rule's `http.*` call raises.
public enum OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case unsupportedScheme(String)
    case hostNotAllowed(host: String, port: Int)
    case addressNotPublic(host: String, address: String)
    case unresolvable(String)
    case responseTooLarge(limit: Int)
    case timedOut
    case failed(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL '\(url)'"
        case .unsupportedScheme(let scheme): "unsupported URL scheme '\(scheme)' (http and https only)"
        case .hostNotAllowed(let host, let port): "host \(host):\(port) is not in outbound.allow"
        case .addressNotPublic(let host, let address):
            "\(host) resolves to \(address), which is not a public address (list the host in outbound.allow to call it)"
        case .unresolvable(let host): "cannot resolve host \(host)"
        case .responseTooLarge(let limit): "response larger than outbound.max_response (\(limit) bytes)"
        case .timedOut: "timed out"
        case .failed(let message): message
        }
    }
}
