/// Splits and checks the `host:port` texts that listen addresses and `outbound.allow` share.
enum HostSyntax {
    /// `host:port`, `[ipv6]:port`, or (with `portRequired` false) a bare host or IPv6 address.
    /// Returns the host without brackets, or nil when the text is not of that shape.
    static func split(_ text: String, portRequired: Bool) -> (host: String, port: Int?)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard IPAddress(host)?.family == .ipv6 else { return nil }
            if rest.isEmpty { return portRequired ? nil : (host, nil) }
            guard rest.hasPrefix(":"), let port = port(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        if !portRequired, IPAddress(text)?.family == .ipv6 { return (text, nil) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, isHost(parts[0]) else { return nil }
        if parts.count == 1 { return portRequired ? nil : (String(parts[0]), nil) }
        guard let port = port(parts[1]) else { return nil }
        return (String(parts[0]), port)
    }

    /// A DNS name or an IPv4 address: letters, digits, `-` and `.`, no empty label.
    static func isHost(_ text: Substring) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// An HTTP header name such as `X-Request-Id`.
    static func isHeaderName(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }
    }

    private static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(text), port <= 65535 else { return nil }
        return port
    }
}
