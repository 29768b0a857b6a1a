import Fluent
import Foundation

/// A support ticket (ärende): a subject, a department, and a thread of messages between the
/// customer and the staff. A visitor's message left in the chat is a ticket without a customer:
/// it keeps the visitor's name, e-mail and language, and staff replies are mailed there.
public final class Ticket: Model, @unchecked Sendable {
    public static let schema = "tickets"

    public enum Department: String, Codable, Sendable, CaseIterable {
        case support
        case billing
        case sales

        var catalogKey: String { "area.ticket.department.\(rawValue)" }
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for the staff.
        case open
        /// The staff replied; waiting for the customer.
        case answered
        case closed

        var catalogKey: String { "area.ticket.status.\(rawValue)" }

        var badge: String {
            switch self {
            case .open: "badge-warning"
            case .answered: "badge-success"
            case .closed: "badge-neutral"
            }
        }
    }

    @ID(key: .id) public var id: UUID?
    /// The customer's ticket; nil for a visitor's (see ``contactEmail``).
    @OptionalParent(key: "customer_id") public var customer: Customer?
    /// A visitor's name, e-mail and language (from the chat); nil on customers' tickets.
    @OptionalField(key: "contact_name") public var contactName: String?
    @OptionalField(key: "contact_email") public var contactEmail: String?
    @OptionalField(key: "contact_language") public var contactLanguage: String?
    /// Shown to people (`Ärende 1001`); `portier tickets reply` accepts it as well as the id.
    @Field(key: "number") public var number: Int
    @Field(key: "department") public var department: Department
    @Field(key: "subject") public var subject: String
    @Field(key: "status") public var status: Status
    @OptionalParent(key: "service_id") public var service: Service?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_activity_at") public var lastActivityAt: Date
    @OptionalField(key: "closed_at") public var closedAt: Date?
    /// The staff member who handles the ticket (`/personal/arenden`); nil: unassigned.
    @OptionalParent(key: "assigned_staff_id") public var assignedStaff: StaffMember?
    @Children(for: \.$ticket) public var messages: [TicketMessage]

    public init() {}

    public init(id: UUID? = nil, customerID: UUID, number: Int, department: Department, subject: String, serviceID: UUID?, now: Date) {
        self.id = id
        self.$customer.id = customerID
        self.number = number
        self.department = department
        self.subject = subject
        self.status = .open
        self.$service.id = serviceID
        self.createdAt = now
        self.lastActivityAt = now
    }

    /// A visitor's ticket: no customer, answered by mail to ``contactEmail``.
    public init(visitorName: String, email: String, language: Language, number: Int, department: Department, subject: String, now: Date) {
        self.contactName = visitorName
        self.contactEmail = email
        self.contactLanguage = language.rawValue
        self.number = number
        self.department = department
        self.subject = subject
        self.status = .open
        self.createdAt = now
        self.lastActivityAt = now
    }

    public var isClosed: Bool { status == .closed }
    var isVisitor: Bool { $customer.id == nil }

    /// Who the ticket is with: the customer (loaded with `.with(\.$customer)`) or the visitor.
    var correspondent: (name: String, email: String) {
        if let customer = $customer.value ?? nil { return (customer.name, customer.email) }
        return (contactName ?? "", contactEmail ?? "")
    }

    /// The next ticket number (inside the transaction that creates the ticket; the unique index
    /// and ``retryingOnConstraintFailure`` settle a race).
    static func nextNumber(on database: any Database) async throws -> Int {
        let highest = try await Ticket.query(on: database).max(\.$number)
        return max((highest ?? 0) + 1, TicketDesk.firstNumber)
    }
}

extension Ticket {
    /// The customer's tickets: every look-up in the customer area starts here.
    static func query(for customerID: UUID, on database: any Database) -> QueryBuilder<Ticket> {
        Ticket.query(on: database).filter(\.$customer.$id == customerID)
    }

    /// The customer's ticket with `id`, or `nil` (also when it is someone else's).
    static func find(_ id: UUID, for customerID: UUID, on database: any Database) async throws -> Ticket? {
        try await query(for: customerID, on: database).filter(\.$id == id).first()
    }

    /// Open and answered tickets, the most recently active first.
    static func unresolved(for customerID: UUID, on database: any Database) async throws -> [Ticket] {
        try await query(for: customerID, on: database)
            .filter(\.$status != .closed)
            .sort(\.$lastActivityAt, .descending)
            .all()
    }
}

/// One message of a ticket's thread, from the customer or from the staff.
public final class TicketMessage: Model, @unchecked Sendable {
    public static let schema = "ticket_messages"

    public enum Author: String, Codable, Sendable {
        case customer
        case staff
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "ticket_id") public var ticket: Ticket
    /// 1, 2, 3, … within the ticket: the thread's order (unique per ticket).
    @Field(key: "position") public var position: Int
    @Field(key: "author") public var author: Author
    /// The staff member's name as the customer sees it; `nil` for the customer's own messages.
    @OptionalField(key: "author_name") public var authorName: String?
    /// The staff member who wrote a reply in `/personal`; nil for `portier tickets reply` and customers.
    @OptionalField(key: "staff_id") public var staffID: UUID?
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(ticketID: UUID, position: Int, author: Author, authorName: String? = nil, staffID: UUID? = nil, body: String, now: Date) {
        self.$ticket.id = ticketID
        self.position = position
        self.author = author
        self.authorName = authorName
        self.staffID = staffID
        self.body = body
        self.createdAt = now
    }
}

extension TicketMessage {
    static func thread(of ticketID: UUID, on database: any Database) async throws -> [TicketMessage] {
        try await TicketMessage.query(on: database)
            .filter(\.$ticket.$id == ticketID)
            .sort(\.$position)
            .all()
    }

    /// The position the next message of a ticket gets.
    static func nextPosition(in ticketID: UUID, on database: any Database) async throws -> Int {
        (try await TicketMessage.query(on: database).filter(\.$ticket.$id == ticketID).max(\.$position) ?? 0) + 1
    }
}
