import Fluent
import Foundation

/// An internal note on a ticket: written by staff for staff, never shown to the customer and
/// never mailed. Kept apart from `TicketMessage`, which is the thread the customer sees.
public final class TicketNote: Model, @unchecked Sendable {
    public static let schema = "ticket_notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "ticket_id") public var ticket: Ticket
    @OptionalParent(key: "staff_id") public var staff: StaffMember?
    /// The staff member's name when the note was written (kept if the account goes).
    @Field(key: "author_name") public var authorName: String
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(ticketID: UUID, staffID: UUID?, authorName: String, body: String, now: Date) {
        self.$ticket.id = ticketID
        self.$staff.id = staffID
        self.authorName = authorName
        self.body = body
        self.createdAt = now
    }
}

extension TicketNote {
    static func notes(of ticketID: UUID, on database: any Database) async throws -> [TicketNote] {
        try await TicketNote.query(on: database)
            .filter(\.$ticket.$id == ticketID)
            .sort(\.$createdAt)
            .all()
    }
}
