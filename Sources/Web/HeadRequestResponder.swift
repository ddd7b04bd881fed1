import Hummingbird

/// Answers `HEAD` like `GET`, before routing: the same status and headers (compression and
/// `Content-Length` included), without the body.
/// Ours, not the router's `autoGenerateHeadEndpoints`: with it, errors and 404s answer HEAD with a body and static files lose gzip.
struct HeadRequestResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner

    @Sendable func respond(to request: Request, context: Inner.Context) async throws -> Response {
        guard request.method == .head else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
        let length = response.headers[.contentLength]
        response.body = ResponseBody()
        response.headers[.contentLength] = length
        return response
    }
}
