import Fluent
import FluentPostgresDriver
import NIOConcurrencyHelpers
import Vapor

/// Chat events between instances on one PostgreSQL: this instance's sockets get every event at
/// once (``InMemoryChatHub``), and the other instances get it through `NOTIFY` on one channel.
/// The payload names only the chat and the message (`<instance> m <chat> <message>` or
/// `<instance> c <chat>`); a receiver reads the message from the database, so nothing secret
/// travels and the payload stays far below PostgreSQL's 8,000 bytes.
///
/// Each instance listens on a connection of its own (not one of the pool's), opened when the
/// first socket subscribes. If it drops, it is opened again with a growing pause (up to
/// ``maximumBackoff``); when it is listening again every socket catches up from its last message
/// id (``ChatEvent/Kind/reconnected``), so events missed in between are not lost.
///
/// Events go out in the order they were published: one task sends the `NOTIFY`s one after
/// another, after the transaction that stored the message committed (the callers publish after
/// the service returned).
final class PostgresChatHub: ChatHub {
    static let channelPrefix = "portier_chat"
    static let maximumBackoff: TimeInterval = 10

    private let local = InMemoryChatHub()
    private let instance = UUID()
    let channel: String
    private let databases: Databases
    private let connectionConfiguration: PostgresConnection.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    private let outgoing: AsyncStream<String>.Continuation
    private let sender: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)

    private struct ListenerState {
        var task: Task<Void, Never>?
        var connection: PostgresConnection?
        var isListening = false
        var isStopped = false
        var reconnects = 0
    }
    private let listener = NIOLockedValueBox(ListenerState())

    /// `searchPath`: the schema the application uses, when not the default; instances on other
    /// schemas of the same database (the tests') get a channel of their own.
    init(databases: Databases, connection: PostgresConnection.Configuration, searchPath: [String]?, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.databases = databases
        self.connectionConfiguration = connection
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.channel = Self.channelName(searchPath: searchPath)
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        self.outgoing = continuation
        let channel = self.channel
        sender.withLockedValue {
            $0 = Task { [databases, eventLoopGroup, logger] in
                for await payload in stream {
                    do {
                        guard let sql = databases.database(logger: logger, on: eventLoopGroup.any()) as? any SQLDatabase else { continue }
                        try await sql.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
                    } catch {
                        logger.warning("chat: NOTIFY failed: \(String(reflecting: error))")
                    }
                }
            }
        }
    }

    /// `portier_chat`, or `portier_chat_<schema>` (letters, digits and `_` only, at most 63 bytes).
    static func channelName(searchPath: [String]?) -> String {
        guard let schema = searchPath?.first, !schema.isEmpty else { return channelPrefix }
        let safe = schema.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" }
        return String((channelPrefix + "_" + String(safe)).prefix(63))
    }

    // MARK: ChatHub

    func publish(_ event: ChatEvent) {
        local.publish(event)
        guard let payload = Self.payload(for: event, instance: instance) else { return }
        outgoing.yield(payload)
    }

    func subscribe(_ handler: @escaping @Sendable (ChatEvent) -> Void) -> UUID {
        let id = local.subscribe(handler)
        startListening()
        return id
    }

    func unsubscribe(_ id: UUID) {
        local.unsubscribe(id)
    }

    /// Whether the listening connection is up (for tests and the log).
    var isListening: Bool { listener.withLockedValue { $0.isListening } }

    /// How often the listening connection was opened again after it dropped.
    var reconnects: Int { listener.withLockedValue { $0.reconnects } }

    // MARK: Payloads

    static func payload(for event: ChatEvent, instance: UUID) -> String? {
        switch event.kind {
        case .message(let frame): return "\(instance.uuidString) m \(event.chatID.uuidString) \(frame.id)"
        case .changed: return "\(instance.uuidString) c \(event.chatID.uuidString)"
        case .reconnected: return nil
        }
    }

    enum Notice: Equatable {
        case message(chatID: UUID, messageID: Int)
        case changed(chatID: UUID)
    }

    /// The notice in `payload`, or nil for this instance's own and for anything malformed.
    static func notice(in payload: String, ignoring instance: UUID) -> Notice? {
        let parts = payload.split(separator: " ")
        guard parts.count >= 3, let sender = UUID(uuidString: String(parts[0])), sender != instance,
              let chatID = UUID(uuidString: String(parts[2])) else { return nil }
        switch (parts[1], parts.count) {
        case ("m", 4): return Int(parts[3]).map { .message(chatID: chatID, messageID: $0) }
        case ("c", 3): return .changed(chatID: chatID)
        default: return nil
        }
    }

    // MARK: Listening

    private func startListening() {
        let start = listener.withLockedValue { state -> Bool in
            guard state.task == nil, !state.isStopped else { return false }
            state.task = Task { await self.listen() }
            return true
        }
        if start { logger.debug("chat: listening on \(channel)") }
    }

    private func listen() async {
        var failures = 0
        var hasListened = false
        while !listener.withLockedValue({ $0.isStopped }) {
            do {
                let connection = try await PostgresConnection.connect(
                    on: eventLoopGroup.any(), configuration: connectionConfiguration, id: 0, logger: logger
                )
                let stopped = listener.withLockedValue { state in
                    state.connection = connection
                    return state.isStopped
                }
                if stopped {
                    try? await connection.close()
                    return
                }
                try await connection.listen(on: channel) { notifications in
                    failures = 0
                    listener.withLockedValue { state in
                        state.isListening = true
                        if hasListened { state.reconnects += 1 }
                    }
                    // Whatever was published while nobody listened (or before the first
                    // socket's LISTEN was in place): every socket catches up.
                    if hasListened { logger.notice("chat: listening on \(channel) again") }
                    hasListened = true
                    local.publish(ChatEvent(chatID: instance, staffID: nil, kind: .reconnected))
                    for try await notification in notifications {
                        await receive(notification.payload)
                    }
                }
            } catch {
                if !listener.withLockedValue({ $0.isStopped }) {
                    logger.warning("chat: the listening connection failed: \(String(reflecting: error))")
                }
            }
            let connection = listener.withLockedValue { state -> PostgresConnection? in
                state.isListening = false
                defer { state.connection = nil }
                return state.connection
            }
            try? await connection?.close()
            guard !listener.withLockedValue({ $0.isStopped }) else { return }
            let pause = min(Self.maximumBackoff, 0.25 * pow(2, Double(min(failures, 10))))
            failures += 1
            try? await Task.sleep(for: .milliseconds(Int(pause * 1000)))
        }
    }

    private func receive(_ payload: String) async {
        guard let notice = Self.notice(in: payload, ignoring: instance) else { return }
        guard let database = databases.database(logger: logger, on: eventLoopGroup.any()) else { return }
        do {
            switch notice {
            case .message(let chatID, let messageID):
                guard let message = try await ChatMessage.find(messageID, on: database), message.$chat.id == chatID else { return }
                let chat = try await Chat.find(chatID, on: database)
                local.publish(ChatEvent(chatID: chatID, staffID: chat?.$staff.id, kind: .message(try ChatFrame.Message(message))))
            case .changed(let chatID):
                let chat = try await Chat.find(chatID, on: database)
                local.publish(ChatEvent(chatID: chatID, staffID: chat?.$staff.id, kind: .changed))
            }
        } catch {
            logger.warning("chat: reading a notified event failed: \(String(reflecting: error))")
        }
    }

    /// Drops the listening connection as if the network failed (tests of the reconnect).
    func dropListeningConnection() async {
        let connection = listener.withLockedValue { $0.connection }
        try? await connection?.close()
    }

    // MARK: Shutting down

    func shutdown() async {
        let (task, connection) = listener.withLockedValue { state in
            state.isStopped = true
            return (state.task, state.connection)
        }
        try? await connection?.close()
        task?.cancel()
        await task?.value
        outgoing.finish()
        await sender.withLockedValue { $0 }?.value
    }
}

/// Stops the hub's listening connection and sender before the databases shut down.
struct PostgresChatHubLifecycle: LifecycleHandler {
    let hub: PostgresChatHub

    func shutdownAsync(_ application: Application) async {
        await hub.shutdown()
    }
}
