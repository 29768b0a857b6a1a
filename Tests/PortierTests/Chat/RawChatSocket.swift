import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor
@testable import Portier

/// A chat socket's upgrade over a bare TCP connection, to see the server's answer as it is and
/// to drop the connection the way a killed browser or a lost network does: ``kill()`` closes
/// TCP without a WebSocket close frame.
final class RawChatSocket: Sendable {
    let channel: any Channel
    /// The status of the upgrade's answer (101 when the socket opened).
    let status: Int

    private init(channel: any Channel, status: Int) {
        self.channel = channel
        self.status = status
    }

    static func open(_ served: ServedPortier, cookies: [String: String], forwardedFor: String? = nil) async throws -> RawChatSocket {
        let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ResponseHeadReader(promise: promise))
                }
            }
            .connect(host: "127.0.0.1", port: served.port).get()
        var lines = [
            "GET \(SitePath.chatSocket.path) HTTP/1.1",
            "Host: 127.0.0.1:\(served.port)",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: \(Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())",
            "Sec-WebSocket-Version: 13",
            "Origin: http://127.0.0.1:8080",
            "User-Agent: RawChatSocket",
        ]
        if !cookies.isEmpty { lines.append("Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let forwardedFor { lines.append("X-Forwarded-For: " + forwardedFor) }
        try await channel.writeAndFlush(ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n\r\n")).get()
        let head = try await promise.futureResult.get()
        let statusText = head.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init) ?? ""
        let status = Int(statusText) ?? 0
        if status != 101 { try? await channel.close().get() }
        return RawChatSocket(channel: channel, status: status)
    }

    /// Closes the TCP connection at once: no close frame.
    func kill() async {
        try? await channel.close().get()
    }
}

/// Collects the answer until its head is complete.
private final class ResponseHeadReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let promise: EventLoopPromise<String>
    private var received = ""
    private var isDone = false

    init(promise: EventLoopPromise<String>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard !isDone else { return }
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        if received.contains("\r\n\r\n") {
            isDone = true
            promise.succeed(received)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !isDone {
            isDone = true
            promise.fail(ChannelError.ioOnClosedChannel)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !isDone {
            isDone = true
            promise.fail(error)
        }
        context.close(promise: nil)
    }
}
