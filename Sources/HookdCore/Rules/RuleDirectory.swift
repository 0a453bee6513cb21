import Foundation
import LuaRuntime

/// The rule files of a `rules/` directory: every `*.lua` file is a rule, files in `lib/` are
/// modules for `require`, names starting with `_` or `.` are ignored (SPEC §4).
public struct RuleDirectory: Sendable {
    public var path: String
    public var rules: [LuaProgram.Chunk]
    public var modules: [String: LuaProgram.Chunk]

    /// Reads the directory afresh (an editor that saves by rename is seen at the next read).
    public init(path: String) throws(RuleLoadError) {
        self.path = path
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        rules = try Self.chunks(in: base, display: base).sorted { $0.chunkName < $1.chunkName }
        var modules: [String: LuaProgram.Chunk] = [:]
        let lib = base + "/lib"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: lib, isDirectory: &isDirectory), isDirectory.boolValue {
            for chunk in try Self.chunks(in: lib, display: lib) {
                let file = (chunk.chunkName as NSString).lastPathComponent
                modules[String(file.dropLast(4))] = chunk
            }
        }
        self.modules = modules
    }

    private static func chunks(in directory: String, display: String) throws(RuleLoadError) -> [LuaProgram.Chunk] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw RuleLoadError(file: display, message: "cannot read the rules directory: \(error.localizedDescription)")
        }
        var chunks: [LuaProgram.Chunk] = []
        for name in names where name.hasSuffix(".lua") && !name.hasPrefix("_") && !name.hasPrefix(".") {
            let file = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RuleLoadError(file: display + "/" + name, message: "cannot read the file")
            }
            guard let source = String(validating: data, as: UTF8.self) else {
                throw RuleLoadError(file: display + "/" + name, message: "the file is not UTF-8 text")
            }
            chunks.append(.init(chunkName: display + "/" + name, source: source))
        }
        return chunks
    }
}

/// Why a rule set did not load: the file and what is wrong (`rules/x.lua:12: …`).
public struct RuleLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { message.hasPrefix(file) ? message : "\(file): \(message)" }
}
