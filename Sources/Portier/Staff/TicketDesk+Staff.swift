import Fluent
import Foundation

/// What staff do to a ticket besides replying (`addStaffReply`): internal notes, assignment,
/// reopening. None of these reaches the customer: no mail, no change to what their pages show
/// (the thread, its status aside from reopening, and the last activity stay as they were).
extension TicketDesk {
    static let maximumNoteLength = maximumMessageLength

    /// Adds an internal note by `staff` to `ticket`. Never mailed, never on a customer page.
    @discardableResult
    func addInternalNote(_ text: String, to ticket: Ticket, by staff: StaffMember) async throws -> TicketNote {
        if let problem = Self.messageProblem(text) { throw problem }
        let note = TicketNote(
            ticketID: try ticket.requireID(), staffID: try staff.requireID(),
            authorName: String(Self.singleLine(staff.name).prefix(100)), body: Self.messageText(text), now: clock.now()
        )
        try await note.create(on: database)
        return note
    }

    /// Assigns `ticket` to a staff member who handles tickets (support or admin, not disabled),
    /// or to nobody (`nil`). Returns the assignee.
    @discardableResult
    func assign(_ ticket: Ticket, to staffID: UUID?) async throws -> StaffMember? {
        var assignee: StaffMember?
        if let staffID {
            guard let staff = try await StaffMember.find(staffID, on: database), staff.handlesTickets else {
                throw StaffTicketError.unknownAssignee
            }
            assignee = staff
        }
        ticket.$assignedStaff.id = staffID
        try await ticket.update(on: database)
        return assignee
    }

    /// Opens a closed ticket again; it waits for the staff (status open), as after a customer's reply.
    func reopen(_ ticket: Ticket) async throws {
        guard ticket.isClosed else { return }
        ticket.status = .open
        ticket.closedAt = nil
        ticket.lastActivityAt = clock.now()
        try await ticket.update(on: database)
    }
}

extension StaffMember {
    /// Support and admins answer tickets; only they can be assigned one.
    var handlesTickets: Bool { !isDisabled && role.permits(.support) }

    /// Staff members a ticket can be assigned to, by name.
    static func ticketHandlers(on database: any Database) async throws -> [StaffMember] {
        try await StaffMember.query(on: database)
            .filter(\.$isDisabled == false)
            .filter(\.$role ~~ [.support, .admin])
            .sort(\.$name)
            .all()
    }
}

/// What can go wrong with a staff action on a ticket, besides the message problems of `CustomerAreaError`.
enum StaffTicketError: Error, Equatable {
    /// The chosen staff member does not exist, is disabled, or does not handle tickets.
    case unknownAssignee

    var catalogKey: String {
        switch self {
        case .unknownAssignee: "staff.tickets.error.unknown_assignee"
        }
    }
}
