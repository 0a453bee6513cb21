/// Where a single-event provider keeps each event field in its JSON envelope (SPEC §2's table, row
/// by row), and which of them it always sends.
struct EnvelopeLayout: Sendable, Hashable {
    /// How strictly `data` must be present.
    enum DataRule: Sendable, Hashable {
        /// Absent is fine: rules then see `event.data == nil`.
        case optional
        /// Must be present (any kind but null).
        case required
        /// Must be present and an object: the provider documents it on every event.
        case requiredObject
    }

    /// nil: the lower-case hex SHA-256 of the element's bytes.
    var id: FieldSource?
    var type: FieldSource
    var status: FieldSource?
    var timestamp: FieldSource?
    /// Where `data` sits in the element; `[]` is the whole element.
    var data: [String]
    var dataRule: DataRule
    /// Every named provider sends a JSON object; `generic` takes whatever its paths can read.
    var bodyMustBeObject = true
}

extension EnvelopeLayout {
    /// Passage (getpassage.ai) `Connection.Updated`: `id`, `type`, `timestamp` (ISO) and a `data`
    /// object on every event (providers/passage.md, family A).
    static let passage = EnvelopeLayout(
        id: .path(["id"]), type: .path(["type"]), status: .path(["data", "status"]),
        timestamp: .path(["timestamp"]), data: ["data"], dataRule: .requiredObject)

    /// Passport / FusionAuth: a single top-level `event` object holding `id`, `type` and
    /// `createInstant` (epoch ms) (providers/fusionauth.md). No status.
    static let passport = EnvelopeLayout(
        id: .path(["event", "id"]), type: .path(["event", "type"]),
        timestamp: .path(["event", "createInstant"]), data: ["event"], dataRule: .requiredObject)

    /// ethpass: `event` and `result` on every payload, no id of its own, so the body's SHA-256 is the
    /// id (a redelivery of the same bytes is a duplicate) (providers/ethpass.md).
    static let ethpass = EnvelopeLayout(
        id: nil, type: .path(["event"]), data: ["result"], dataRule: .requiredObject)

    /// PassFort, one event (an object, or one element of a batch): `id`, `event`, `timestamp` (epoch
    /// s), `data`. Only one sample payload is published, so `data` is not required (providers/passfort.md).
    static let passfort = EnvelopeLayout(
        id: .path(["id"]), type: .path(["event"]), status: .path(["data", "new_status"]),
        timestamp: .path(["timestamp"]), data: ["data"], dataRule: .optional)

    /// Standard Webhooks: the id is the `webhook-id` header; `type`, `timestamp`, `data` are the
    /// spec's recommendations, so only `type` is required (providers/standard-webhooks.md).
    static let standardWebhooks = EnvelopeLayout(
        id: .header("webhook-id"), type: .path(["type"]), status: .path(["data", "status"]),
        timestamp: .path(["timestamp"]), data: ["data"], dataRule: .optional)

    /// GitHub: id and type in headers, `action` as status when the event has one (providers/github.md).
    static let github = EnvelopeLayout(
        id: .header("X-GitHub-Delivery"), type: .header("X-GitHub-Event"), status: .path(["action"]),
        data: [], dataRule: .optional)

    /// Stripe Event objects: `id`, `type`, `created` (epoch s) and `data.object` on every event.
    static let stripe = EnvelopeLayout(
        id: .path(["id"]), type: .path(["type"]), status: .path(["data", "object", "status"]),
        timestamp: .path(["created"]), data: ["data", "object"], dataRule: .requiredObject)
}
