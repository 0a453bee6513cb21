import ArgumentParser
import AsyncHTTPClient
import Foundation
import HookdCore
import NIOCore

/// `hookd send`: signs a fixture as the source's provider would and POSTs it (SPEC §6).
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Sign a fixture as the source's provider would, POST it, and print the answer.",
        discussion: """
            Signs with the source's own secret (the first of a rotation list); a jwt source verified \
            by a public key signs with the private key of auth.signing_key_file. The request goes to \
            --to, or to the source's path on server.listen. Exit status: 0 for a 2xx answer, 1 for \
            another answer, 2 for a usage or configuration error or when nothing answered.

            Example:
              hookd send examples/passage/data_available.json --source passage
            """)

    @Argument(help: "The body to send.")
    var fixture: String

    @Option(name: .long, help: "The source to sign for.")
    var source: String

    @Option(name: .long, help: "The configuration file.")
    var config = "hookd.yaml"

    @Option(name: .long, help: "Where to POST (default: http://<server.listen><source path>).")
    var to: String?

    @Option(name: .long, help: "Extra header 'Name: value' (repeatable), e.g. X-GitHub-Event for github sources.")
    var header: [String] = []

    func run() async throws {
        let loaded: HookdConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            fail(error.errors.map(\.description).joined(separator: "\n"))
        }
        guard let sourceConfig = loaded.source(named: source) else {
            fail("no source named '\(source)' in \(config) (sources: \(loaded.sources.map(\.name).joined(separator: ", ")))")
        }
        guard let body = FileManager.default.contents(atPath: fixture) else { fail("cannot read the fixture \(fixture)") }
        let secrets = SecretResolver().resolve(loaded, for: .checking)
        let signed: SignedRequest
        do {
            let signer = try await RequestSigner.load(source: source, auth: sourceConfig.auth,
                                                      secrets: secrets.sourceSecrets[source] ?? [])
            signed = try await signer.sign(Array(body))
        } catch {
            fail(error.description)
        }
        let listen = loaded.server.listen
        let url = to ?? "http://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(listen.port)\(sourceConfig.path)"
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in signed.headers { request.headers.add(name: name, value: value) }
        for line in header {
            guard let colon = line.firstIndex(of: ":") else { fail("--header '\(line)': expected 'Name: value'") }
            request.headers.add(name: line[..<colon].trimmingCharacters(in: .whitespaces),
                                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        request.body = .bytes(ByteBuffer(bytes: signed.body))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let status: UInt
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let answer = try await response.body.collect(upTo: 1 << 20)
            status = response.status.code
            print("\(response.status.code) \(response.status.reasonPhrase)")
            print(String(buffer: answer))
        } catch {
            try? await client.shutdown()
            fail("POST \(url): \(error)")
        }
        try? await client.shutdown()
        if !(200..<300).contains(status) { throw ExitCode(1) }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        Foundation.exit(2)
    }
}
