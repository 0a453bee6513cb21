import Foundation
import LuaRuntime

/// One `--mock` of `hookd dry-run`: `'METHOD URL=@FILE'` answers 200 with the file's bytes,
/// `'METHOD URL=STATUS'` answers that status with an empty body. A URL ending in `*` matches by
/// prefix; the method `*` matches any method.
public struct HTTPMock: Sendable, Equatable {
    public var method: String
    public var url: String
    public var status: Int
    public var body: [UInt8]
    /// The file the body came from, for messages.
    public var file: String?

    public init(method: String, url: String, status: Int, body: [UInt8] = [], file: String? = nil) {
        self.method = method.uppercased()
        self.url = url
        self.status = status
        self.body = body
        self.file = file
    }

    /// Parses a `--mock` argument, reading `@FILE` relative to `directory` (the working directory).
    public init(argument: String, readingFrom read: (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) }) throws(HTTPMockError) {
        let trimmed = argument.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { throw .malformed(argument) }
        let method = String(trimmed[..<space])
        let rest = trimmed[trimmed.index(after: space)...].trimmingCharacters(in: .whitespaces)
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter || $0 == "*" }) else { throw .malformed(argument) }
        if let at = rest.range(of: "=@", options: .backwards) {
            let url = String(rest[..<at.lowerBound])
            let file = String(rest[at.upperBound...])
            guard !url.isEmpty, !file.isEmpty else { throw .malformed(argument) }
            let data: Data
            do {
                data = try read(file)
            } catch {
                throw .unreadableFile(file, argument)
            }
            self.init(method: method, url: url, status: 200, body: Array(data), file: file)
        } else if let equals = rest.lastIndex(of: "=") {
            let url = String(rest[..<equals])
            let statusText = rest[rest.index(after: equals)...]
            guard !url.isEmpty, statusText.count == 3, let status = Int(statusText), (100...599).contains(status) else {
                throw .malformed(argument)
            }
            self.init(method: method, url: url, status: status)
        } else {
            throw .malformed(argument)
        }
    }

    public func matches(_ request: HTTPCallRequest) -> Bool {
        guard method == "*" || method == request.method.uppercased() else { return false }
        if url.hasSuffix("*") { return request.url.hasPrefix(url.dropLast()) }
        return request.url == url
    }

    /// The answer: JSON bodies say so in `Content-Type`, so that `res.json` is set.
    public var answer: HTTPCallAnswer {
        let isJSON = (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) != nil
        let headers: [(name: String, value: String)] = isJSON ? [("content-type", "application/json")] : []
        return .response(status: status, headers: headers, body: body)
    }
}

/// A `--mock` argument that cannot be used.
public enum HTTPMockError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case unreadableFile(String, String)

    public var description: String {
        switch self {
        case .malformed(let argument):
            "--mock '\(argument)': expected 'METHOD URL=@FILE' or 'METHOD URL=STATUS' (e.g. 'GET https://api.example.com/x=@x.json', 'POST https://api.example.com/y=500')"
        case .unreadableFile(let file, let argument):
            "--mock '\(argument)': cannot read \(file)"
        }
    }
}
