import HookdCore
import Testing

@Suite("SecretMask")
struct SecretMaskTests {
    @Test("a secret after a false start of its first bytes is found, at the very end too")
    func falseStarts() {
        let mask = SecretMask(secrets: ["abcd"])
        #expect(mask("abcabcd") == "abc***")
        #expect(mask("aaaabcd") == "aaa***")
        #expect(mask("abcd") == "***")
        #expect(mask("abc") == "abc")
        #expect(mask("") == "")
    }

    @Test("every occurrence is masked, in text with multi-byte characters around it")
    func everyOccurrence() {
        let mask = SecretMask(secrets: ["sk_live_é1"])
        #expect(mask("→sk_live_é1←, «sk_live_é1»") == "→***←, «***»")
        #expect(mask("sk_live_e1") == "sk_live_e1")
    }

    @Test("no secrets: the text comes back as it is")
    func none() {
        #expect(SecretMask.none("Bearer abc") == "Bearer abc")
        #expect(SecretMask(secrets: ["abc"])("abc") == "abc")
    }
}
