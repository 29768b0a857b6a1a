import Foundation

/// The JSON frames of the chat socket. Text is sent as text: the page inserts it with
/// `textContent`, never as HTML.
enum ChatFrame {
    /// What a socket receives from the browser.
    struct Incoming: Decodable, Sendable {
        enum Kind: String, Decodable, Sendable {
            case say, accept, end, ticket, transcript, available
        }

        let type: Kind
        var text: String?
        /// The chat a staff member's frame is about.
        var chat: UUID?
        /// `available`: the switch's new position.
        var on: Bool?
    }

    struct Message: Encodable, Sendable {
        var type = "message"
        let chat: UUID
        let id: Int
        let author: ChatMessage.Author
        let name: String
        let text: String
        let at: Date

        init(_ message: ChatMessage) throws {
            chat = message.$chat.id
            id = try message.requireID()
            author = message.author
            name = message.authorName
            text = message.body
            at = message.createdAt
        }
    }

    /// The client's view of their chat.
    struct State: Encodable, Sendable {
        var type = "state"
        let chat: UUID
        let status: Chat.Status
        let open: Bool
        let waited: Int
        /// Seconds of waiting after which the panel offers a ticket (0 when closed: at once).
        let offerTicketAfter: Int
        let transcriptSent: Bool
    }

    /// A staff member's view: waiting chats and their own.
    struct Queue: Encodable, Sendable {
        struct Entry: Encodable, Sendable {
            let chat: UUID
            let name: String
            let email: String
            /// The customer's id for the link to their page; nil for a visitor.
            let customer: UUID?
            let status: Chat.Status
            let waited: Int
        }

        var type = "queue"
        let available: Bool
        let waiting: [Entry]
        let mine: [Entry]
    }

    struct Problem: Encodable, Sendable {
        var type = "error"
        let code: String
        let text: String
    }

    struct Notice: Encodable, Sendable {
        let type: String
        let text: String
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
