import NIOCore
import NIOSSL

/// One (possibly multi-line) server reply: `250-first`, `250-second`, `250 last`.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    /// The text of each line, without code and separator.
    var lines: [String]

    var isPositiveCompletion: Bool { (200..<300).contains(code) }
    var isPositiveIntermediate: Bool { (300..<400).contains(code) }

    /// The lines joined for error messages, length-limited.
    var text: String {
        let joined = lines.joined(separator: " / ")
        return joined.count > 300 ? String(joined.prefix(300)) + "…" : joined
    }
}

/// Splits the server's byte stream into ``SMTPReply`` values and hands them, one at a time,
/// to whoever waits in ``nextReply(on:)``. Lives on the channel's event loop only.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let maximumLineLength = 2_048
    static let maximumLinesPerReply = 100

    private var partialLine: [UInt8] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []
    private var replies: CircularBuffer<SMTPReply> = []
    private var waiter: EventLoopPromise<SMTPReply>?
    private var terminalError: SMTPError?

    /// True when bytes or replies arrived that nobody asked for yet (checked before STARTTLS,
    /// so plain-text data injected before the handshake is never read as encrypted data).
    var hasUnreadInput: Bool {
        !replies.isEmpty || !partialLine.isEmpty || !pendingLines.isEmpty
    }

    /// The error that ended the conversation, if any.
    var failure: SMTPError? { terminalError }

    /// The next complete reply, or the error that ended the connection.
    func nextReply(on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() {
            return eventLoop.makeSucceededFuture(reply)
        }
        if let terminalError {
            return eventLoop.makeFailedFuture(terminalError)
        }
        precondition(waiter == nil, "SMTP replies are read one at a time")
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiter = promise
        return promise.futureResult
    }

    /// Ends the conversation with `error`: the waiting reader (and any later one) gets it.
    func fail(_ error: SMTPError) {
        if terminalError == nil {
            terminalError = error
        }
        if let waiter {
            self.waiter = nil
            waiter.fail(terminalError ?? error)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard terminalError == nil, let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if partialLine.last == UInt8(ascii: "\r") {
                    partialLine.removeLast()
                }
                let line = partialLine
                partialLine = []
                if let error = process(line: line) {
                    fail(error)
                    context.close(promise: nil)
                    return
                }
            } else {
                partialLine.append(byte)
                if partialLine.count > Self.maximumLineLength {
                    fail(SMTPError(stage: "reply", kind: .protocolViolation, message: "reply line longer than \(Self.maximumLineLength) bytes"))
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError(stage: "reply", kind: .connectionClosed, message: "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let isTLS = error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
        fail(SMTPError(stage: isTLS ? "TLS" : "connection", kind: isTLS ? .tls : .connectionClosed, message: String(describing: error)))
        context.close(promise: nil)
    }

    /// Adds one line to the reply being read; returns an error for malformed input.
    private func process(line: [UInt8]) -> SMTPError? {
        guard line.count >= 3,
              line[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(line[0]),
              let code = Int(String(decoding: line[0...2], as: UTF8.self)) else {
            return SMTPError(stage: "reply", kind: .protocolViolation, message: "malformed reply line")
        }
        if let pendingCode, pendingCode != code {
            return SMTPError(stage: "reply", kind: .protocolViolation, message: "reply code changed within a multi-line reply")
        }
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            return SMTPError(stage: "reply", kind: .protocolViolation, message: "malformed reply line")
        }
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        pendingLines.append(String(text.unicodeScalars.filter { !$0.isMailControlCharacter }))
        guard pendingLines.count <= Self.maximumLinesPerReply else {
            return SMTPError(stage: "reply", kind: .protocolViolation, message: "reply with more than \(Self.maximumLinesPerReply) lines")
        }
        if separator == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        if let waiter {
            self.waiter = nil
            waiter.succeed(reply)
        } else {
            replies.append(reply)
        }
        return nil
    }
}

@available(*, unavailable)
extension SMTPReplyHandler: Sendable {}
