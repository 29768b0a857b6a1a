import Fluent
import Foundation

/// The staff's view of every customer's tickets (`/personal/arenden`): five lists with their
/// counts, oldest waiting first.
struct TicketQueue: Sendable {
    enum Filter: String, CaseIterable, Sendable {
        /// The customer wrote last (a new ticket, or a customer's reply): status open.
        case waitingForUs = "vantar-pa-oss"
        /// Staff replied last: status answered.
        case waitingForCustomer = "vantar-pa-kunden"
        case closed = "stangda"
        /// Open or answered tickets assigned to the staff member looking.
        case mine = "mina"
        /// Open or answered tickets assigned to nobody.
        case unassigned = "ej-tilldelade"

        var catalogKey: String { "staff.tickets.filter." + rawValue.replacingOccurrences(of: "-", with: "_") }
    }

    /// How many tickets one list shows.
    static let pageSize = 100

    let database: any Database

    private func query(_ filter: Filter, staffID: UUID) -> QueryBuilder<Ticket> {
        let query = Ticket.query(on: database)
        switch filter {
        case .waitingForUs: query.filter(\.$status == .open)
        case .waitingForCustomer: query.filter(\.$status == .answered)
        case .closed: query.filter(\.$status == .closed)
        case .mine: query.filter(\.$status != .closed).filter(\.$assignedStaff.$id == staffID)
        case .unassigned: query.filter(\.$status != .closed).filter(\.$assignedStaff.$id == nil)
        }
        return query
    }

    /// Every list's count for the staff member `staffID`.
    func counts(for staffID: UUID) async throws -> [Filter: Int] {
        var counts: [Filter: Int] = [:]
        for filter in Filter.allCases {
            counts[filter] = try await query(filter, staffID: staffID).count()
        }
        return counts
    }

    /// Tickets waiting for the staff: the number beside "Ärenden" in the staff navigation.
    func waitingForUsCount() async throws -> Int {
        try await Ticket.query(on: database).filter(\.$status == .open).count()
    }

    /// One list with customers and assignees: the longest waiting first (closed: the latest closed first).
    func tickets(_ filter: Filter, staffID: UUID) async throws -> [Ticket] {
        let query = query(filter, staffID: staffID).with(\.$customer).with(\.$assignedStaff)
        if filter == .closed {
            query.sort(\.$lastActivityAt, .descending)
        } else {
            query.sort(\.$lastActivityAt, .ascending)
        }
        return try await query.sort(\.$number).limit(Self.pageSize).all()
    }
}
