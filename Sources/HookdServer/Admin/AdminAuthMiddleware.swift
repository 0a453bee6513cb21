import HTTPTypes
import Hummingbird

/// Enforces `AdminAccess` before any admin route runs: 401 with a Basic challenge (so a browser
/// asks for the token) when the token is missing or wrong; 403 for a POST a browser sent from
/// another origin.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: AdminAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard access.admits(path: request.uri.path, authorization: request.headers[.authorization]) else {
            var response = AdminResponse.json(#"{"error": "unauthorized"}"#, status: .unauthorized)
            response.headers[.wwwAuthenticate] = #"Basic realm="hookd admin", charset="UTF-8""#
            return response
        }
        if request.method == .post,
           !AdminAccess.isSameOrigin(origin: request.headers[.origin], host: request.head.authority,
                                     fetchSite: request.headers[HTTPField.Name("Sec-Fetch-Site")!]) {
            return AdminResponse.json(#"{"error": "forbidden", "message": "cross-origin request refused"}"#, status: .forbidden)
        }
        return try await next(request, context)
    }
}
