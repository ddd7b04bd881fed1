import Logging
import NIOCore
import NIOHTTPTypes
import Registry

/// Closes a connection whose client takes longer than `timeout` to send one whole request, from its
/// head to the end of its body: a client dribbling a body byte by byte cannot hold a connection forever.
///
/// Hummingbird's idle timeout covers the rest: a connection with no complete head, or silent between
/// requests, is closed after it.
final class RequestReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let channel = context.channel
            let logger = logger
            let target = head.path ?? ""
            deadline?.cancel()
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                let path = EscapedText.escaped(String(target.prefix { $0 != "?" }))  // never the query, which may hold a key
                logger.notice("closed a connection that sent its request too slowly", metadata: ["path": "\(path)"])
                channel.close(promise: nil)
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
