import Foundation

/// Reading a source's `auth:`.
extension ConfigDecoder {
    func auth(_ value: ConfigValue) -> AuthConfig? {
        guard let map = ConfigMapping(value, expecting: "an auth mapping like { scheme: hmac, … }") else {
            return nil
        }
        guard let scheme = map.required("scheme")?.choice("scheme", AuthScheme.self) else {
            map.checkKeys(["scheme"] + AuthScheme.allKeys.sorted())
            return nil
        }
        map.checkKeys(["scheme"] + scheme.keys) { key in
            guard AuthScheme.allKeys.contains(key) else { return nil }
            let takes = scheme.keys.isEmpty ? "nothing else" : scheme.keys.joined(separator: ", ")
            return "scheme '\(scheme.rawValue)' does not use '\(key)' (it takes \(takes))"
        }
        switch scheme {
        case .header:
            let header = map.required("header")?.headerName()
            return secret(map).flatMap { secret in header.map { .header(name: $0, secret: secret) } }
        case .bearer:
            let bodyField = map["body_field"]?.string()
            return secret(map).map { .bearer(secret: $0, bodyField: bodyField) }
        case .basic:
            let user = map.required("user")?.string()
            return secret(map).flatMap { secret in user.map { .basic(user: $0, secret: secret) } }
        case .hmac:
            return hmac(map).map(AuthConfig.hmac)
        case .github:
            return secret(map).map { .github(secret: $0) }
        case .shopify:
            return secret(map).map { .shopify(secret: $0) }
        case .stripe:
            return timestamped(map, AuthConfig.stripe(secret:tolerance:))
        case .standardWebhooks:
            return timestamped(map, AuthConfig.standardWebhooks(secret:tolerance:))
        case .slack:
            return timestamped(map, AuthConfig.slack(secret:tolerance:))
        case .jwt:
            return jwt(map).map(AuthConfig.jwt)
        case .unauthenticated:
            return unauthenticated(map)
        }
    }

    /// `secret_env` or `secret_file`, each a name or a list of names (rotation); exactly one of them.
    private func secret(_ map: ConfigMapping) -> SecretReference? {
        switch (map["secret_env"], map["secret_file"]) {
        case (nil, nil):
            map.value.report("missing secret: give secret_env (an environment variable) or secret_file (a file)")
            return nil
        case (.some, .some(let file)):
            file.report("give secret_env or secret_file, not both")
            return nil
        case (.some(let env), nil):
            let names = env.oneOrMore("environment variable name")?.compactMap { $0.environmentName() }
            return names.flatMap { $0.isEmpty ? nil : .environment($0) }
        case (nil, .some(let file)):
            let paths = file.oneOrMore("file path")?.compactMap { $0.string().map(resolve) }
            return paths.flatMap { $0.isEmpty ? nil : .files($0) }
        }
    }

    private func hmac(_ map: ConfigMapping) -> HMACAuth? {
        let header = map.required("header")?.headerName()
        let algorithm = map["algorithm"].map { $0.choice("algorithm", HMACAuth.Algorithm.self) } ?? .sha256
        let encoding = map["encoding"].map { $0.choice("encoding", HMACAuth.Encoding.self) } ?? .hex
        let prefix = map["prefix"]?.string()
        guard let secret = secret(map), let header, let algorithm, let encoding else { return nil }
        return HMACAuth(header: header, algorithm: algorithm, encoding: encoding, prefix: prefix, secret: secret)
    }

    /// The schemes that sign a timestamp and refuse one outside `tolerance`.
    private func timestamped(_ map: ConfigMapping, _ make: (SecretReference, Duration) -> AuthConfig) -> AuthConfig? {
        let tolerance = map["tolerance"].map { $0.tolerance() } ?? AuthConfig.defaultTolerance
        guard let secret = secret(map), let tolerance else { return nil }
        return make(secret, tolerance)
    }

    private func jwt(_ map: ConfigMapping) -> JWTAuth? {
        let header = map.required("header")?.headerName()
        let algorithm = map.required("algorithm")?.choice("algorithm", JWTAlgorithm.self)
        let requireIssuedAt = map["require_iat"].map { $0.bool() } ?? true
        let tolerance = map["tolerance"].map { $0.tolerance() } ?? AuthConfig.defaultTolerance
        guard let algorithm else { return nil }
        let key = jwtKey(map, algorithm: algorithm)
        var signingKeyFile: String?
        if let signing = map["signing_key_file"] {
            if algorithm.usesSharedSecret {
                signing.report("\(algorithm.rawValue) signs with the shared secret; "
                               + "signing_key_file is for RS* and ES* algorithms")
            } else {
                signingKeyFile = keyFile(signing)
            }
        }
        guard let header, let key, let requireIssuedAt, let tolerance else { return nil }
        return JWTAuth(header: header, algorithm: algorithm, key: key, signingKeyFile: signingKeyFile,
                       requireIssuedAt: requireIssuedAt, tolerance: tolerance)
    }

    /// HS* verify with a shared secret, RS* and ES* with a public key file; mixing them is refused.
    private func jwtKey(_ map: ConfigMapping, algorithm: JWTAlgorithm) -> JWTAuth.Key? {
        let name = algorithm.rawValue
        if algorithm.usesSharedSecret {
            map["public_key_file"]?.report(
                "\(name) verifies with a shared secret (secret_env or secret_file), not public_key_file")
            return secret(map).map(JWTAuth.Key.secret)
        }
        for key in ["secret_env", "secret_file"] {
            map[key]?.report("\(name) verifies with public_key_file, not a shared secret")
        }
        let file = map.required("public_key_file", " (\(name) verifies with a PEM public key)").flatMap(keyFile)
        return file.map(JWTAuth.Key.publicKeyFile)
    }

    /// `none` only with `insecure: true`, so that no source is left open by accident.
    private func unauthenticated(_ map: ConfigMapping) -> AuthConfig? {
        let confirmation = "scheme 'none' accepts every request; write insecure: true to confirm"
        guard let insecure = map["insecure"] else {
            map.value.report(confirmation)
            return nil
        }
        guard let confirmed = insecure.bool() else { return nil }
        if !confirmed { insecure.report(confirmation) }
        return confirmed ? .unauthenticated : nil
    }

    /// A PEM key file that can be read now, resolved against the configuration file's directory.
    private func keyFile(_ value: ConfigValue) -> String? {
        guard let path = value.string().map(resolve) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            value.report("cannot read '\(path)': no such file")
            return nil
        }
        guard !isDirectory.boolValue, let contents = FileManager.default.contents(atPath: path) else {
            value.report("cannot read '\(path)'\(isDirectory.boolValue ? ": it is a directory" : "")")
            return nil
        }
        guard String(decoding: contents, as: UTF8.self).contains("-----BEGIN ") else {
            value.report("'\(path)' is not a PEM key (no -----BEGIN line)")
            return nil
        }
        return path
    }
}
