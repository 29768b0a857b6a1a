import Fluent
import Foundation
import SQLKit

/// One live-chat conversation: a logged-in customer or a visitor (name and e-mail) on one side,
/// the support staff member who accepted it on the other.
public final class Chat: Model, @unchecked Sendable {
    public static let schema = "chats"

    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Nobody has accepted it yet.
        case waiting
        /// A staff member accepted it; both sides write.
        case active
        case ended
        /// Left as a support ticket (a customer's) or as a message answered by mail (a visitor's).
        case leftAsTicket = "left_as_ticket"
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "status") public var status: Status
    @OptionalParent(key: "customer_id") public var customer: Customer?
    /// The visitor's name and e-mail; for a customer, their name and address when the chat began.
    @Field(key: "client_name") public var clientName: String
    @Field(key: "client_email") public var clientEmail: String
    @Field(key: "language") public var language: String
    /// SHA-256 of a visitor's chat token (the cookie that resumes the chat); nil for customers.
    @OptionalField(key: "token_hash") public var tokenHash: String?
    @OptionalField(key: "token_expires_at") public var tokenExpiresAt: Date?
    @OptionalParent(key: "staff_id") public var staff: StaffMember?
    @OptionalParent(key: "ticket_id") public var ticket: Ticket?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?
    @OptionalField(key: "ended_at") public var endedAt: Date?
    @OptionalField(key: "transcript_sent_at") public var transcriptSentAt: Date?

    public init() {}

    init(customerID: UUID?, clientName: String, clientEmail: String, language: Language, now: Date) {
        self.status = .waiting
        self.$customer.id = customerID
        self.clientName = clientName
        self.clientEmail = clientEmail
        self.language = language.rawValue
        self.createdAt = now
    }

    var preferredLanguage: Language { Language(rawValue: language) ?? .default }
    var isFinished: Bool { status == .ended || status == .leftAsTicket }
    var isVisitor: Bool { $customer.id == nil }

    /// Seconds the chat has waited (until accepted, or until `now`).
    func waitingTime(now: Date) -> TimeInterval {
        (acceptedAt ?? now).timeIntervalSince(createdAt)
    }
}

/// One message of a chat. The id counts up across all chats, so a reconnecting client asks
/// for the messages after the last id it has.
public final class ChatMessage: Model, @unchecked Sendable {
    public static let schema = "chat_messages"

    public enum Author: String, Codable, Sendable {
        /// The customer or the visitor.
        case client
        case staff
        /// Notes from Portier itself ("Sam accepted the chat").
        case system
    }

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Parent(key: "chat_id") public var chat: Chat
    @Field(key: "author") public var author: Author
    @OptionalField(key: "staff_id") public var staffID: UUID?
    @Field(key: "author_name") public var authorName: String
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    init(chatID: UUID, author: Author, staffID: UUID? = nil, authorName: String, body: String, now: Date) {
        self.$chat.id = chatID
        self.author = author
        self.staffID = staffID
        self.authorName = authorName
        self.body = body
        self.createdAt = now
    }
}

/// Whether a staff member answers chats, and when they last did anything in `/personal`
/// (the switch turns itself off after ``ChatService/availabilityTimeout`` without activity).
public final class StaffChatAvailability: Model, @unchecked Sendable {
    public static let schema = "staff_chat_availability"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "staff_id") public var staff: StaffMember
    @Field(key: "is_available") public var isAvailable: Bool
    @Field(key: "last_activity_at") public var lastActivityAt: Date

    public init() {}

    init(staffID: UUID, isAvailable: Bool, now: Date) {
        self.$staff.id = staffID
        self.isAvailable = isAvailable
        self.lastActivityAt = now
    }
}

extension Chat {
    /// Moves the chat from one of `statuses` with one conditional UPDATE and sets `changes`;
    /// `false` when another request moved it first (two staff accepting, two ends, two transcripts).
    static func claim(_ id: UUID, whereStatusIn statuses: [Status], set changes: [String: any Encodable & Sendable], on database: any Database) async throws -> Bool {
        try await claim(id, on: database, set: changes) { $0.where("status", .in, statuses.map(\.rawValue)) }
    }

    /// Like ``claim(_:whereStatusIn:set:on:)``, and only while `staffID` has the chat (nil: any).
    static func claim(_ id: UUID, whereStatusIn statuses: [Status], heldBy staffID: UUID?, set changes: [String: any Encodable & Sendable], on database: any Database) async throws -> Bool {
        try await claim(id, on: database, set: changes) { update in
            let inStatus = update.where("status", .in, statuses.map(\.rawValue))
            return staffID.map { inStatus.where("staff_id", .equal, $0) } ?? inStatus
        }
    }

    /// Sets `transcript_sent_at` unless it is set already (the transcript is mailed once).
    static func claimTranscript(_ id: UUID, at now: Date, on database: any Database) async throws -> Bool {
        try await claim(id, on: database, set: ["transcript_sent_at": now]) { $0.where("transcript_sent_at", .is, SQLLiteral.null) }
    }

    private static func claim(
        _ id: UUID, on database: any Database, set changes: [String: any Encodable & Sendable],
        condition: (SQLUpdateBuilder) -> SQLUpdateBuilder
    ) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        var update = sql.update(schema).where("id", .equal, id)
        for (column, value) in changes {
            update = update.set(SQLIdentifier(column), to: SQLBind(value))
        }
        return try await !condition(update).returning("id").all().isEmpty
    }
}
