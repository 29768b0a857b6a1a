import Fluent
import Foundation
import SQLKit

/// Opens, answers and closes support tickets. Customer actions come from the Support pages; staff
/// replies come from the staff area (`/personal/arenden`) and from `portier tickets reply`, and
/// notify the customer by e-mail through the outbox, in the same transaction as the reply. The
/// staff area's other actions (internal notes, assignment, reopening) are in `TicketDesk+Staff`.
struct TicketDesk: Sendable {
    static let firstNumber = 1001
    static let maximumSubjectLength = 150
    static let maximumMessageLength = 10_000
    /// New tickets a customer may open within ``writingWindow``.
    static let ticketsPerHour = 10
    /// Messages a customer may write within ``writingWindow`` (a new ticket's first one included).
    static let customerMessagesPerHour = 60
    static let writingWindow: TimeInterval = 60 * 60

    let database: any Database
    let clock: any AppClock
    let mails: CustomerAreaMails

    init(database: any Database, services: PortierServices, catalogs: Catalogs) {
        self.database = database
        self.clock = services.clock
        self.mails = CustomerAreaMails(catalogs: catalogs, configuration: services.configuration)
    }

    /// A new ticket as the customer typed it.
    struct Draft: Sendable {
        var department: String = Ticket.Department.support.rawValue
        var subject: String = ""
        var message: String = ""
        /// The related service's id as sent by the form (`""` for none).
        var serviceID: String = ""
    }

    enum Field: String, Sendable {
        case department, subject, message
    }

    /// A checked draft: a known department, a one-line subject and a message, both within limits.
    struct ValidDraft: Sendable {
        let department: Ticket.Department
        let subject: String
        let message: String
    }

    static func validate(_ draft: Draft) -> Result<ValidDraft, FormProblems<Field>> {
        var problems: [Field: CustomerAreaError] = [:]
        let department = Ticket.Department(rawValue: draft.department)
        if department == nil { problems[.department] = .departmentInvalid }
        let subject = singleLine(draft.subject)
        if subject.isEmpty { problems[.subject] = .subjectMissing }
        else if subject.count > maximumSubjectLength { problems[.subject] = .subjectTooLong }
        if let error = messageProblem(draft.message) { problems[.message] = error }
        guard problems.isEmpty, let department else { return .failure(FormProblems(byField: problems)) }
        return .success(ValidDraft(department: department, subject: subject, message: messageText(draft.message)))
    }


    static func messageProblem(_ text: String) -> CustomerAreaError? {
        let message = messageText(text)
        if message.isEmpty { return .messageMissing }
        if message.count > maximumMessageLength { return .messageTooLong }
        return nil
    }

    /// Line breaks normalised to `\n`, other control characters (except tabs) removed, trimmed.
    static func messageText(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let kept = unified.unicodeScalars.filter { scalar in
            scalar == "\n" || scalar == "\t" || scalar.properties.generalCategory != .control
        }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One line: control characters (line breaks included) become spaces, then trimmed.
    static func singleLine(_ text: String) -> String {
        CustomerAreaMails.singleLine(text).trimmingCharacters(in: .whitespaces)
    }

    // MARK: Customer actions

    /// Opens a ticket with its first message. `serviceID` must already be known to be the
    /// customer's own service.
    func open(_ draft: ValidDraft, for customerID: UUID, serviceID: UUID?) async throws -> Ticket {
        try await retryingOnConstraintFailure {
            try await database.transactionTakingSQLiteWriteLock { database in
                let now = clock.now()
                try await Self.checkWritingLimits(for: customerID, opensTicket: true, now: now, on: database)
                let ticket = Ticket(
                    customerID: customerID, number: try await Ticket.nextNumber(on: database),
                    department: draft.department, subject: draft.subject, serviceID: serviceID, now: now
                )
                try await ticket.create(on: database)
                try await TicketMessage(ticketID: try ticket.requireID(), position: 1, author: .customer, body: draft.message, now: now).create(on: database)
                return ticket
            }
        }
    }

    /// The customer's reply: the ticket waits for the staff again (a closed ticket reopens).
    func addCustomerReply(_ text: String, to ticket: Ticket) async throws {
        if let problem = Self.messageProblem(text) { throw problem }
        let body = Self.messageText(text)
        let ticketID = try ticket.requireID()
        guard let customerID = ticket.$customer.id else { throw CustomerAreaError.ticketNotFound(String(ticket.number)) }
        try await retryingOnConstraintFailure {
            try await database.transactionTakingSQLiteWriteLock { database in
                let now = clock.now()
                try await Self.checkWritingLimits(for: customerID, opensTicket: false, now: now, on: database)
                let position = try await TicketMessage.nextPosition(in: ticketID, on: database)
                try await TicketMessage(ticketID: ticketID, position: position, author: .customer, body: body, now: now).create(on: database)
                try await Ticket.query(on: database)
                    .filter(\.$id == ticketID)
                    .set(\.$status, to: .open)
                    .set(\.$lastActivityAt, to: now)
                    .set(\.$closedAt, to: nil)
                    .update()
            }
        }
    }

    /// Refuses the customer's next ticket or message when the last hour already holds
    /// ``ticketsPerHour`` tickets or ``customerMessagesPerHour`` messages of theirs, saying when
    /// the oldest of them leaves the window. Runs first in the writing transaction, which holds
    /// the customer's writing lock (SQLite: the database's write lock; PostgreSQL: an advisory
    /// lock per customer), so concurrent requests count one after the other and cannot overshoot.
    static func checkWritingLimits(for customerID: UUID, opensTicket: Bool, now: Date, on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: "ticket-writing:" + customerID.uuidString), 0))").run()
        }
        let windowStart = now.addingTimeInterval(-writingWindow)
        if opensTicket {
            let opened = try await Ticket.query(for: customerID, on: database)
                .filter(\.$createdAt > windowStart)
                .all(\.$createdAt)
            if let minutes = minutesUntilBelow(ticketsPerHour, times: opened, now: now) {
                throw CustomerAreaError.ticketLimitReached(minutes: minutes)
            }
        }
        let written = try await TicketMessage.query(on: database)
            .join(Ticket.self, on: \TicketMessage.$ticket.$id == \Ticket.$id)
            .filter(Ticket.self, \.$customer.$id == customerID)
            .filter(\.$author == .customer)
            .filter(\.$createdAt > windowStart)
            .all(\.$createdAt)
        if let minutes = minutesUntilBelow(customerMessagesPerHour, times: written, now: now) {
            throw CustomerAreaError.messageLimitReached(minutes: minutes)
        }
    }

    /// `nil` while `times` (within the window) hold fewer than `limit`; else the whole minutes
    /// until enough of them are older than the window for one more.
    static func minutesUntilBelow(_ limit: Int, times: [Date], now: Date) -> Int? {
        guard times.count >= limit else { return nil }
        let freedAt = times.sorted()[times.count - limit].addingTimeInterval(writingWindow)
        return max(1, Int((freedAt.timeIntervalSince(now) / 60).rounded(.up)))
    }

    func close(_ ticket: Ticket) async throws {
        guard !ticket.isClosed else { return }
        let now = clock.now()
        ticket.status = .closed
        ticket.closedAt = now
        ticket.lastActivityAt = now
        try await ticket.update(on: database)
    }

    // MARK: Staff actions

    /// Adds a staff reply to the ticket with `reference` (its number or its id), marks the
    /// ticket answered (reopening a closed one) and queues the e-mail to the customer (a
    /// visitor's ticket: to the visitor's address).
    /// Without `authorName` the customer sees "Kundservice" in their language. `staffID` names the
    /// staff member who wrote it (the staff area); the command has none.
    @discardableResult
    func addStaffReply(to reference: String, text: String, authorName: String? = nil, staffID: UUID? = nil) async throws -> (ticket: Ticket, message: TicketMessage) {
        if let problem = Self.messageProblem(text) { throw problem }
        let body = Self.messageText(text)
        let name = authorName.map(Self.singleLine).flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        guard let ticket = try await findForStaff(reference) else { throw CustomerAreaError.ticketNotFound(reference) }
        let ticketID = try ticket.requireID()
        let customer = ticket.$customer.value ?? nil
        return try await retryingOnConstraintFailure {
            try await database.transactionTakingSQLiteWriteLock { database in
                let now = clock.now()
                let position = try await TicketMessage.nextPosition(in: ticketID, on: database)
                let message = TicketMessage(ticketID: ticketID, position: position, author: .staff, authorName: name, staffID: staffID, body: body, now: now)
                try await message.create(on: database)
                ticket.status = .answered
                ticket.lastActivityAt = now
                ticket.closedAt = nil
                try await ticket.update(on: database)
                let mail = try customer.map { try mails.ticketReply(for: $0, ticket: ticket, reply: message) }
                    ?? mails.visitorTicketReply(ticket: ticket, reply: message)
                try await Outbox.enqueue(mail, on: database, now: now)
                return (ticket, message)
            }
        }
    }

    /// A ticket by number (`1001`) or id, with its customer; staff see every customer's tickets.
    func findForStaff(_ reference: String) async throws -> Ticket? {
        let trimmed = reference.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))
        let query = Ticket.query(on: database).with(\.$customer)
        if let number = Int(trimmed) {
            query.filter(\.$number == number)
        } else if let id = UUID(uuidString: trimmed) {
            query.filter(\.$id == id)
        } else {
            return nil
        }
        return try await query.first()
    }
}
