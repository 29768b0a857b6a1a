import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (optionally TLS) connection to an SMTP server, with async "send a line" and
/// "read a reply" operations. Every read has a timeout; on timeout the connection is closed.
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>
    let replyTimeout: TimeAmount
    let logger: Logger

    private init(channel: any Channel, handler: NIOLoopBound<SMTPReplyHandler>, replyTimeout: TimeAmount, logger: Logger) {
        self.channel = channel
        self.handler = handler
        self.replyTimeout = replyTimeout
        self.logger = logger
    }

    /// Opens the connection; with `implicitTLS` the TLS handshake starts right away.
    static func connect(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        connectTimeout: TimeAmount,
        replyTimeout: TimeAmount,
        implicitTLS: (context: NIOSSLContext, serverHostname: String?)?,
        logger: Logger
    ) async throws -> SMTPConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)

        let channel: any Channel
        let handler: NIOLoopBound<SMTPReplyHandler>
        do {
            // The handler is captured here: a failed TLS handshake may tear the pipeline
            // down before anyone could look it up.
            (channel, handler) = try await bootstrap.connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        let tlsHandler = try NIOSSLClientHandler(
                            context: implicitTLS.context,
                            serverHostname: implicitTLS.serverHostname
                        )
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                    }
                    let replyHandler = SMTPReplyHandler()
                    try channel.pipeline.syncOperations.addHandler(replyHandler)
                    return (channel, NIOLoopBound(replyHandler, eventLoop: channel.eventLoop))
                }
            }
        } catch {
            if let channelError = error as? ChannelError, case .connectTimeout = channelError {
                throw SMTPError(stage: "connect", kind: .connectionFailed, message: "no connection to \(host):\(port) within \(connectTimeout.readableDescription)")
            }
            throw SMTPError(stage: "connect", kind: .connectionFailed, message: "cannot connect to \(host):\(port): \(reason(for: error))")
        }
        return SMTPConnection(channel: channel, handler: handler, replyTimeout: replyTimeout, logger: logger)
    }

    /// The useful part of a connection error ("Connection refused", a DNS failure).
    private static func reason(for error: any Error) -> String {
        guard let connectionError = error as? NIOConnectionError else { return "\(error)" }
        if let failure = connectionError.connectionErrors.last {
            return "\(failure.error)"
        }
        if let dnsError = connectionError.dnsAError ?? connectionError.dnsAAAAError {
            return "host name not resolved (\(dnsError))"
        }
        return "\(error)"
    }

    /// Waits for the next reply, at most ``replyTimeout``.
    func readReply(stage: String) async throws -> SMTPReply {
        let handler = self.handler
        let channel = self.channel
        let timeout = replyTimeout
        let future = channel.eventLoop.flatSubmit {
            let reply = handler.value.nextReply(on: channel.eventLoop)
            let timer = channel.eventLoop.scheduleTask(in: timeout) {
                handler.value.fail(SMTPError(stage: stage, kind: .timeout, message: "no reply within \(timeout.readableDescription)"))
                channel.close(promise: nil)
            }
            reply.whenComplete { _ in timer.cancel() }
            return reply
        }
        do {
            let reply = try await future.get()
            logger.trace("SMTP S: \(reply.code) \(reply.text)")
            return reply
        } catch var error as SMTPError {
            if error.kind != .tls, error.kind != .timeout {
                error.stage = stage
            }
            throw error
        }
    }

    /// Sends one command line; `loggedAs` replaces it in the debug log (for credentials).
    func send(_ line: String, stage: String, loggedAs: String? = nil) async throws {
        logger.debug("SMTP C: \(loggedAs ?? line)")
        try await write(Array((line + "\r\n").utf8), stage: stage)
    }

    func write(_ bytes: [UInt8], stage: String) async throws {
        do {
            try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
        } catch {
            throw await terminalError(stage: stage) ?? SMTPError(stage: stage, kind: .connectionClosed, message: "cannot write: \(error)")
        }
    }

    /// Adds TLS in front of the reply handler after a `220` to STARTTLS.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        let handler = self.handler
        let channel = self.channel
        try await channel.eventLoop.submit {
            guard !handler.value.hasUnreadInput else {
                throw SMTPError(stage: "STARTTLS", kind: .protocolViolation, message: "the server sent data before the TLS handshake")
            }
            let tlsHandler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
            try channel.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
        }.get()
    }

    /// Closes the connection with a ``SMTPError/Kind/timeout`` after `duration`, whatever is going on.
    func armDeadline(_ duration: TimeAmount) -> Scheduled<Void> {
        let handler = self.handler
        let channel = self.channel
        return channel.eventLoop.scheduleTask(in: duration) {
            handler.value.fail(SMTPError(stage: "delivery", kind: .timeout, message: "not finished within \(duration.readableDescription)"))
            channel.close(promise: nil)
        }
    }

    func close() async {
        try? await channel.close().get()
    }

    /// The error that ended the connection, if it has ended.
    private func terminalError(stage: String) async -> SMTPError? {
        let handler = self.handler
        return try? await channel.eventLoop.submit { handler.value.failure }.get()
    }
}

extension TimeAmount {
    /// `10 s` or `300 ms`, for error messages.
    var readableDescription: String {
        let milliseconds = nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
