import Foundation
import LuaRuntime

/// `hookd dry-run --rule FILE`: the run limited to some rule files, which may also be files outside
/// the rules directory (a rule being written), loaded with the directory's `lib/` modules.
extension RuleDirectory {
    /// This directory with only the rules of `files`. A file of the directory keeps its name here;
    /// another file is read and named as given.
    public func selecting(files: [String]) throws(RuleLoadError) -> RuleDirectory {
        var selected = self
        selected.rules = []
        for file in files {
            let wanted = Self.standardized(file)
            if let chunk = rules.first(where: { Self.standardized($0.chunkName) == wanted }) {
                selected.rules.append(chunk)
                continue
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RuleLoadError(file: file, message: "cannot read the rule file")
            }
            guard let source = String(validating: data, as: UTF8.self) else {
                throw RuleLoadError(file: file, message: "the file is not UTF-8 text")
            }
            selected.rules.append(.init(chunkName: file, source: source))
        }
        return selected
    }

    private static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
