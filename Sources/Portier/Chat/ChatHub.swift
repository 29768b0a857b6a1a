import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Something that happened in a chat, for the sockets that show it.
struct ChatEvent: Sendable {
    enum Kind: Sendable {
        /// A new message (the frame every socket of the chat sends as it is).
        case message(ChatFrame.Message)
        /// The chat's status changed, or a new chat is waiting: the staff's queue and the client's
        /// state are sent again.
        case changed
        /// Events may have been missed (the fan-out's PostgreSQL listener was away): every socket
        /// sends its state again and the messages after the last one it sent.
        case reconnected
    }

    let chatID: UUID
    /// The staff member who has the chat, if any.
    let staffID: UUID?
    let kind: Kind
}

/// Fans chat events out to the open sockets. One process (SQLite) keeps its sockets in memory
/// (``InMemoryChatHub``); several instances on one PostgreSQL pass events through the database
/// with LISTEN/NOTIFY (``PostgresChatHub``). `publish` is called after the change committed.
protocol ChatHub: Sendable {
    func publish(_ event: ChatEvent)
    /// Calls `handler` with every event from now on, until ``unsubscribe(_:)``.
    func subscribe(_ handler: @escaping @Sendable (ChatEvent) -> Void) -> UUID
    func unsubscribe(_ id: UUID)
}

/// The sockets of this process, in memory.
final class InMemoryChatHub: ChatHub {
    private let handlers = NIOLockedValueBox<[UUID: @Sendable (ChatEvent) -> Void]>([:])

    func publish(_ event: ChatEvent) {
        let current = handlers.withLockedValue { Array($0.values) }
        for handler in current { handler(event) }
    }

    func subscribe(_ handler: @escaping @Sendable (ChatEvent) -> Void) -> UUID {
        let id = UUID()
        handlers.withLockedValue { $0[id] = handler }
        return id
    }

    func unsubscribe(_ id: UUID) {
        _ = handlers.withLockedValue { $0.removeValue(forKey: id) }
    }

    var subscriberCount: Int { handlers.withLockedValue { $0.count } }
}

/// Open chat sockets per client address: at most ``ChatSocketLimiter/maximumPerClient``.
final class ChatSocketLimiter: Sendable {
    static let maximumPerClient = 4
    private let open = NIOLockedValueBox<[String: Int]>([:])
    let maximum: Int

    init(maximum: Int = ChatSocketLimiter.maximumPerClient) {
        self.maximum = maximum
    }

    /// Counts one more socket for `client`, or false when it already has the maximum.
    func claim(_ client: String) -> Bool {
        open.withLockedValue { counts in
            guard counts[client, default: 0] < maximum else { return false }
            counts[client, default: 0] += 1
            return true
        }
    }

    func release(_ client: String) {
        open.withLockedValue { counts in
            let remaining = counts[client, default: 0] - 1
            counts[client] = remaining > 0 ? remaining : nil
        }
    }
}

extension Application {
    private struct ChatHubKey: StorageKey { typealias Value = any ChatHub }
    private struct ChatSocketLimiterKey: StorageKey { typealias Value = ChatSocketLimiter }

    /// Set in `configure`.
    var chatHub: any ChatHub {
        get { storage[ChatHubKey.self] ?? Self.unconfiguredHub }
        set { storage[ChatHubKey.self] = newValue }
    }

    /// Set in `configure`.
    var chatSocketLimiter: ChatSocketLimiter {
        get { storage[ChatSocketLimiterKey.self] ?? Self.unconfiguredLimiter }
        set { storage[ChatSocketLimiterKey.self] = newValue }
    }

    private static let unconfiguredHub = InMemoryChatHub()
    private static let unconfiguredLimiter = ChatSocketLimiter()
}
