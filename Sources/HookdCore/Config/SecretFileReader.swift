import Foundation

/// Reads the files `secret_file` names; `SecretResolver` takes one so that tests can substitute it.
public protocol SecretFileReader: Sendable {
    /// The file's bytes; throws an error whose description says why it cannot be read.
    func contents(ofFile path: String) throws -> Data
}

/// Reads secret files from the local file system.
public struct LocalSecretFiles: SecretFileReader {
    /// Why a secret file cannot be read.
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    public func contents(ofFile path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Unreadable(description: "no such file")
        }
        guard !isDirectory.boolValue else { throw Unreadable(description: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "permission denied")
        }
        return data
    }
}
