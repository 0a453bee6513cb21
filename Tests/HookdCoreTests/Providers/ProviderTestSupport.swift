import Foundation
import HookdCore
import Testing

/// Every provider-parser suite nests here, so `swift test --filter Provider` runs them all.
@Suite enum ProviderTests {}

/// One example payload and the file it comes from.
struct Fixture: Sendable, CustomTestStringConvertible {
    let file: String
    let text: String

    var bytes: [UInt8] { Array(text.utf8) }
    var testDescription: String { file }
}

/// The folder of the shared provider facts, found from this file: Tests/HookdCoreTests/Providers → /work/shared/providers.
let sharedProvidersFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()        // Providers
    .appendingPathComponent("../../../../shared/providers").standardizedFileURL

/// Parses `body` with the named provider's parser.
func events(_ provider: String, _ body: [UInt8], headers: HeaderFields = [:],
            generic: GenericFieldPaths? = nil) throws -> [ParsedEvent] {
    let parser = try #require(Provider.parser(named: provider, generic: generic))
    return try parser.parse(body: body, headers: headers)
}

func events(_ provider: String, _ body: String, headers: HeaderFields = [:],
            generic: GenericFieldPaths? = nil) throws -> [ParsedEvent] {
    try events(provider, Array(body.utf8), headers: headers, generic: generic)
}

/// The error the named provider's parser reports for `body`; nil (and a recorded issue) when it parses.
func failure(_ provider: String, _ body: [UInt8], headers: HeaderFields = [:],
             generic: GenericFieldPaths? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) -> ProviderError? {
    guard let parser = Provider.parser(named: provider, generic: generic) else {
        Issue.record("no parser named \(provider)", sourceLocation: sourceLocation)
        return nil
    }
    do {
        let parsed = try parser.parse(body: body, headers: headers)
        Issue.record("expected an error, got \(parsed.count) event(s)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

func failure(_ provider: String, _ body: String, headers: HeaderFields = [:],
             generic: GenericFieldPaths? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) -> ProviderError? {
    failure(provider, Array(body.utf8), headers: headers, generic: generic, sourceLocation: sourceLocation)
}

/// The scanner's error for `text`, or nil when it scans.
func syntaxError(_ bytes: [UInt8], maximumDepth: Int = JSONScanner.maximumDepth) -> JSONSyntaxError? {
    do {
        _ = try JSONScanner.scan(bytes, maximumDepth: maximumDepth)
        return nil
    } catch {
        return error
    }
}

func syntaxError(_ text: String) -> JSONSyntaxError? {
    syntaxError(Array(text.utf8))
}

/// `[[[…]]]` nested `depth` times.
func nestedArrays(_ depth: Int) -> [UInt8] {
    Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8)
}
