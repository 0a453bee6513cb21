import Mustache

/// The admin listener's status page (`GET /`, SPEC §7): a server-rendered HTML view of a
/// `StatusSnapshot`, with a Retry form per recent failure and no JavaScript.
public enum StatusPage {
    /// Parsed once. The template is a constant of this module, so a parse error is a programming
    /// error that every test run of `render` catches; it cannot depend on input.
    private static let template: MustacheTemplate = {
        do {
            return try MustacheTemplate(string: StatusPageTemplate.text)
        } catch {
            preconditionFailure("the status page template does not parse: \(error)")
        }
    }()

    /// The page's HTML. Every value from the snapshot is HTML-escaped.
    public static func render(_ snapshot: StatusSnapshot) -> String {
        template.render(StatusPageView(snapshot))
    }
}
