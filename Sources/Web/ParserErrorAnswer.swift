import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Gives a request the HTTP parser refused (too many header fields, a head over 16 KiB, a malformed request line
/// or body framing) the documented JSON error, with `Connection: close`.
///
/// Hummingbird answers such a request itself, at the connection and before any middleware, with a bare 400
/// (`HTTPChannelHandler.handleHTTP`): it writes that answer after any answer still due on the connection and then
/// closes it. This handler, next to the parser, sees the parser's error pass by and rewrites that one answer.
final class ParserErrorAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the parser refused, until the answer to it is written.
    private var refusal: APIError?
    /// The body to write in place of the bare answer's, once its head has been replaced.
    private var body: ByteBuffer?

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError { refusal = APIError(error) }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        // Hummingbird's bare answer: 400, `Connection: close`, no content type and an empty body.
        case .head(let head)
        where refusal != nil && head.status == .badRequest && head.headerFields[.connection] == "close"
            && head.headerFields[.contentType] == nil && (head.headerFields[.contentLength] ?? "0") == "0":
            guard let refusal, let json = try? JSONEncoder.answers.encode(refusal.body) else { break }
            self.refusal = nil
            body = context.channel.allocator.buffer(bytes: json)
            let headers: HTTPFields = [
                .contentType: "application/json; charset=utf-8", .contentLength: String(json.count), .connection: "close",
            ]
            context.write(wrapOutboundOut(.head(HTTPResponse(status: refusal.status, headerFields: headers))), promise: promise)
            return
        case .body where body != nil:
            // The replaced answer's own body (none for the bare answer) would break the new framing.
            promise?.succeed()
            return
        case .end(let trailers):
            guard let body else { break }
            self.body = nil
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }
}
