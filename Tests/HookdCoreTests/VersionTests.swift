import HookdCore
import Testing

@Test("the version is a semantic version")
func versionIsSemantic() {
    let parts = HookdVersion.current.split(separator: ".")
    #expect(parts.count == 3)
    #expect(parts.allSatisfy { Int($0) != nil })
}
