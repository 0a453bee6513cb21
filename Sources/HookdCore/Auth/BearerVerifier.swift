/// `scheme: bearer`: `Authorization: Bearer <secret>`; with `bodyField`, that JSON field must
/// carry a candidate secret too, in every element when the body is an array (a PassFort batch).
public struct BearerVerifier: Verifier {
    /// A dotted path from the JSON element, such as `secret`.
    public let bodyField: String?
    private let secrets: [String]

    public var scheme: AuthScheme { .bearer }
    public var credentialHeaders: [String] { ["Authorization"] }

    public init(secrets: [String], bodyField: String? = nil) {
        self.secrets = secrets
        self.bodyField = bodyField
    }

    public func verify(_ request: AuthRequest) throws(AuthError) {
        let value = try request.require("Authorization")
        guard let token = Self.token(in: value) else {
            throw .malformedHeader("Authorization", why: "not of the form Bearer <token>")
        }
        guard ConstantTime.matchesAny(token, secrets) else {
            throw .secretMismatch(header: "Authorization", candidates: secrets.count)
        }
        if let bodyField { try verifyBody(request.body, field: bodyField) }
    }

    /// The token after `Bearer ` (the scheme word compared without regard to case, RFC 9110 §11.1).
    static func token(in value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingPrefix(while: { $0 == " " })
        return token.isEmpty ? nil : String(token)
    }

    private func verifyBody(_ body: [UInt8], field: String) throws(AuthError) {
        let root: JSONNode
        do {
            root = try JSONScanner.scan(body)
        } catch {
            throw .bodyIsNotJSON(error.description)
        }
        guard root.kind == .array else {
            try verifyElement(root, in: body, field: field, index: nil)
            return
        }
        // An empty batch carries no secret at all, so it proves nothing: refuse it.
        guard !root.elements.isEmpty else { throw .missingBodyField(field, element: 0) }
        for (index, element) in root.elements.enumerated() {
            try verifyElement(element, in: body, field: field, index: index)
        }
    }

    private func verifyElement(_ element: JSONNode, in body: [UInt8], field: String, index: Int?) throws(AuthError) {
        guard let value = element.node(atDottedPath: field)?.string(in: body) else {
            throw .missingBodyField(field, element: index)
        }
        guard ConstantTime.matchesAny(value, secrets) else {
            throw .bodyFieldMismatch(field, element: index, candidates: secrets.count)
        }
    }
}
