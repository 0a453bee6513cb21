import Foundation
import HookdCore
import Hummingbird
import Prometheus

/// The admin listener's routes (SPEC §3): probes, metrics, the status page with its Retry form,
/// and the JSON API in SPEC §6's shapes.
public struct AdminRoutes: Sendable {
    let access: AdminAccess
    let status: StatusReader
    let store: any Store
    let reloader: Reloader
    let rejections: RejectionLog
    let registry: PrometheusCollectorRegistry
    /// Brings the gauges up to date before a scrape.
    let refreshMetrics: @Sendable () async -> Void
    /// Store reachable, rules loaded, not shutting down; nil when ready, else why not.
    let notReadyReason: @Sendable () async -> String?
    /// Tells the dispatcher that replayed jobs are due now.
    let jobsChanged: @Sendable () -> Void

    /// The most `GET /api/events` lists at once.
    static let maximumLimit = 1000

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: AdminAuthMiddleware(access: access))
        router.get("/healthz") { _, _ in AdminResponse.json(#"{"status": "ok"}"#) }
        router.get("/readyz") { _, _ in
            guard let reason = await notReadyReason() else { return AdminResponse.json(#"{"ready": true}"#) }
            return AdminResponse.json("{\"ready\": false, \"reason\": \(JSONText.string(reason))}", status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            await refreshMetrics()
            return AdminResponse.text(registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/") { _, _ in AdminResponse.html(StatusPage.render(try await snapshot())) }
        router.post("/retry") { request, context in try await retry(request, context: context) }
        router.get("/api/events") { request, _ in try await listEvents(request) }
        router.get("/api/events/{id}") { request, context in try await showEvent(request, id: context.parameters.require("id")) }
        router.post("/api/events/{id}/replay") { request, context in
            try await replay(request, id: context.parameters.require("id"))
        }
        router.post("/api/reload") { _, _ in
            let report = await reloader.reload(trigger: "POST /api/reload")
            return AdminResponse.json(report.json, status: report.succeeded ? .ok : .unprocessableContent)
        }
        router.get("/api/rejections") { _, _ in AdminResponse.json(Self.rejectionsJSON(rejections.recent)) }
        return router
    }

    private func snapshot() async throws -> StatusSnapshot {
        do {
            return try await status.snapshot()
        } catch {
            throw HTTPError(.serviceUnavailable, message: "store unavailable: \(error)")
        }
    }

    /// The status page's Retry button: replays one job, then back to the page.
    private func retry(_ request: Request, context: BasicRequestContext) async throws -> Response {
        struct RetryForm: Decodable { var csrf: String; var source: String; var event: String; var rule: String }
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        guard let form = try? URLEncodedFormDecoder().decode(RetryForm.self, from: String(buffer: buffer)) else {
            return AdminResponse.error("invalid_form", message: "expected the fields csrf, source, event and rule", status: .badRequest)
        }
        guard ConstantTime.equals(Array(form.csrf.utf8), Array(access.csrfToken.utf8)) else {
            return AdminResponse.error("forbidden", message: "stale or missing CSRF token: reload the page", status: .forbidden)
        }
        _ = try await storeCall { try await store.replay(.job(eventID: form.event, source: form.source, rule: form.rule)) }
        jobsChanged()
        return AdminResponse.seeOther("/")
    }

    private func listEvents(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = EventFilter(limit: 100)
        if let state = query.get("state") {
            guard let parsed = EventState(rawValue: String(state)) else {
                return AdminResponse.error("invalid_query", message: "state must be pending, done, failed or dead", status: .badRequest)
            }
            filter.state = parsed
        }
        if let source = query.get("source") { filter.source = String(source) }
        if let limit = query.get("limit") {
            guard let parsed = Int(limit), parsed >= 0 else {
                return AdminResponse.error("invalid_query", message: "limit must be a whole number", status: .badRequest)
            }
            filter.limit = min(parsed, Self.maximumLimit)
        }
        let events = try await storeCall { try await store.events(matching: filter) }
        return AdminResponse.json(StoredEvent.listJSON(events))
    }

    private func showEvent(_ request: Request, id: String) async throws -> Response {
        let source = request.uri.queryParameters.get("source").map { String($0) }
        switch try await storeCall({ try await store.event(id: id, source: source) }) {
        case .notFound:
            return AdminResponse.error("not_found", message: "no stored event \(id)", status: .notFound)
        case .ambiguous(let sources):
            return AdminResponse.error("ambiguous", message: "event \(id) is known in sources \(sources.joined(separator: ", ")): add ?source=",
                                       status: .conflict)
        case .found(let event):
            let attempts = try await storeCall { try await store.attempts(source: event.source, eventID: event.id) }
            return AdminResponse.json(event.detailJSON(attempts: attempts))
        }
    }

    private func replay(_ request: Request, id: String) async throws -> Response {
        let query = request.uri.queryParameters
        let selection = ReplaySelection(.events([id]), rule: query.get("rule").map { String($0) }, source: query.get("source").map { String($0) })
        let result = try await storeCall { try await store.replay(selection) }
        if !result.replayed.isEmpty { jobsChanged() }
        if let sources = result.ambiguous[id] {
            return AdminResponse.error("ambiguous", message: "event \(id) is known in sources \(sources.joined(separator: ", ")): add ?source=",
                                       status: .conflict)
        }
        if result.notFound.contains(id) { return AdminResponse.error("not_found", message: "no stored event \(id)", status: .notFound) }
        let jobs = result.replayed.map {
            "{\"source\": \(JSONText.string($0.source)), \"id\": \(JSONText.string($0.eventID)), \"rule\": \(JSONText.string($0.rule))}"
        }
        return AdminResponse.json("{\"replayed\": [\(jobs.joined(separator: ", "))]}")
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw HTTPError(.serviceUnavailable, message: "store unavailable")
        }
    }

    /// `{"rejections": [{"time", "source", "client", "status", "reason"}, …]}`, newest first.
    static func rejectionsJSON(_ rejections: [RejectionLog.Rejection]) -> String {
        let items = rejections.map { rejection in
            "{\"time\": \(JSONText.string(EventTime.text(rejection.time))), \"source\": \(JSONText.optionalString(rejection.source)), "
                + "\"client\": \(JSONText.string(rejection.client)), \"status\": \(rejection.status), "
                + "\"reason\": \(JSONText.string(rejection.reason))}"
        }
        return "{\"rejections\": [\(items.joined(separator: ", "))]}"
    }
}
