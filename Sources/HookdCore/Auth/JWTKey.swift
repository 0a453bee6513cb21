import Crypto
import Foundation
import JWTKit

/// One key a JWT is verified or signed with, through jwt-kit: a shared secret (HS*), or a PEM
/// public or private key (RS*, ES*), optionally named by a key id (`kid`).
///
/// Keys are made once, at start-up, where jwt-kit's key collection (an actor) hands out the
/// algorithm object, so that verifying a request needs no suspension.
public struct JWTKey: Sendable {
    /// The `kid` that selects this key; nil for a key that is not identified.
    public let id: String?
    public let algorithm: JWTAlgorithm
    /// jwt-kit's signer for the key; verifies, and signs when the key is private or shared.
    let signer: any JWTKit.JWTAlgorithm
    /// The collection holding only this key, which `RequestSigner` signs through.
    let collection: JWTKeyCollection

    private init(id: String?, algorithm: JWTAlgorithm, collection: JWTKeyCollection) async throws {
        self.id = id
        self.algorithm = algorithm
        self.collection = collection
        self.signer = try await collection.getKey()
    }

    /// A shared secret (HS*), used as its UTF-8 bytes.
    public static func sharedSecret(_ secret: String, algorithm: JWTAlgorithm,
                                    id: String? = nil) async throws(JWTKeyError) -> JWTKey {
        guard algorithm.usesSharedSecret else { throw .wrongKeyKind(algorithm) }
        let digest = algorithm.digest
        // jwt-kit asserts on shorter keys, and RFC 7518 forbids them: refuse before handing it over.
        let needed = algorithm.hashByteCount
        guard secret.utf8.count >= needed else { throw .shortSharedSecret(bytes: secret.utf8.count, needed: needed) }
        let collection = JWTKeyCollection()
        await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: digest)
        return try await make(id: id, algorithm: algorithm, collection: collection)
    }

    /// A PEM public key (RS*: `PUBLIC KEY` or `RSA PUBLIC KEY`; ES*: `PUBLIC KEY`) that verifies.
    public static func publicKey(pem: String, algorithm: JWTAlgorithm,
                                 id: String? = nil) async throws(JWTKeyError) -> JWTKey {
        try await pemKey(pem, algorithm: algorithm, id: id, isPrivate: false)
    }

    /// A PEM private key (RS*, ES*) that signs, for `hookd send`.
    public static func privateKey(pem: String, algorithm: JWTAlgorithm,
                                  id: String? = nil) async throws(JWTKeyError) -> JWTKey {
        try await pemKey(pem, algorithm: algorithm, id: id, isPrivate: true)
    }

    private static func pemKey(_ pem: String, algorithm: JWTAlgorithm, id: String?,
                               isPrivate: Bool) async throws(JWTKeyError) -> JWTKey {
        guard !algorithm.usesSharedSecret else { throw .wrongKeyKind(algorithm) }
        let digest = algorithm.digest
        let collection = JWTKeyCollection()
        let kind = "\(algorithm.rawValue) \(isPrivate ? "private" : "public") key"
        do {
            switch (algorithm, isPrivate) {
            case (.es256, false): await collection.add(ecdsa: try ES256PublicKey(pem: pem))
            case (.es256, true): await collection.add(ecdsa: try ES256PrivateKey(pem: pem))
            case (.es384, false): await collection.add(ecdsa: try ES384PublicKey(pem: pem))
            case (.es384, true): await collection.add(ecdsa: try ES384PrivateKey(pem: pem))
            case (.es512, false): await collection.add(ecdsa: try ES512PublicKey(pem: pem))
            case (.es512, true): await collection.add(ecdsa: try ES512PrivateKey(pem: pem))
            case (_, false): await collection.add(rsa: try Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: digest)
            case (_, true): await collection.add(rsa: try Insecure.RSA.PrivateKey(pem: pem), digestAlgorithm: digest)
            }
        } catch {
            throw Self.classify(error, kind: kind)
        }
        return try await make(id: id, algorithm: algorithm, collection: collection)
    }

    private static func make(id: String?, algorithm: JWTAlgorithm,
                             collection: JWTKeyCollection) async throws(JWTKeyError) -> JWTKey {
        do {
            return try await JWTKey(id: id, algorithm: algorithm, collection: collection)
        } catch {
            throw .notAKey(kind: "\(algorithm.rawValue) key", why: "\(error)")
        }
    }

    /// jwt-kit says `keySizeTooSmall` for RSA under 2048 bits, swift-crypto `incorrectParameterSize`
    /// for keys it will not load at all; both are a weak key. Anything else is not a key.
    private static func classify(_ error: any Error, kind: String) -> JWTKeyError {
        let text = String(describing: error)
        if kind.hasPrefix("RS"), text.contains("keySizeTooSmall") || text.contains("incorrectParameterSize") {
            return .weakRSAKey
        }
        return .notAKey(kind: kind, why: text.count > 120 ? String(text.prefix(120)) + "…" : text)
    }
}

extension JWTAlgorithm {
    /// jwt-kit's name for the hash the algorithm signs with.
    var digest: DigestAlgorithm {
        switch self {
        case .hs256, .rs256, .es256: .sha256
        case .hs384, .rs384, .es384: .sha384
        case .hs512, .rs512, .es512: .sha512
        }
    }

    /// The hash output length, the least an HS* secret may have.
    var hashByteCount: Int {
        switch self {
        case .hs256, .rs256, .es256: 32
        case .hs384, .rs384, .es384: 48
        case .hs512, .rs512, .es512: 64
        }
    }
}
