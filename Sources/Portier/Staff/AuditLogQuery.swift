import Fluent
import Foundation

/// The admins' audit log: every audit event, newest first, filtered by staff member, customer
/// (by e-mail address), kind and period (days in Stockholm, both inclusive), a page at a time
/// by keyset — the page after an event continues strictly below its `(occurred_at, id)`, so
/// events recorded meanwhile never shift a page and a deep page costs what the first one does.
struct AuditLogQuery {
    static let pageSize = 50

    struct Filter: Equatable, Sendable {
        var staffID: UUID?
        /// A customer's e-mail address: the events of that customer's account, or — for an
        /// address no account has — the events that typed it (failed logins, reset requests).
        var customerEmail: String?
        var kind: String?
        var from: CalendarDay?
        var through: CalendarDay?
    }

    struct Page {
        let events: [AuditEvent]
        /// The last event of this page when there are more (the next page's cursor).
        let nextCursor: UUID?
    }

    let database: any Database

    func page(_ filter: Filter, after cursor: UUID?, limit: Int = pageSize) async throws -> Page {
        var query = AuditEvent.query(on: database)
        if let staffID = filter.staffID {
            query = query.filter(\.$staffID == staffID)
        }
        if let email = filter.customerEmail.map(Customer.normalizedEmail), !email.isEmpty {
            if let customer = try await Customer.find(email: email, on: database), let customerID = customer.id {
                query = query.filter(\.$customerID == customerID)
            } else {
                query = query.filter(\.$customerID == nil).filter(\.$email == email)
            }
        }
        if let kind = filter.kind, !kind.isEmpty {
            query = query.filter(\.$kind == kind)
        }
        if let from = filter.from {
            query = query.filter(\.$occurredAt >= from.startDate)
        }
        if let through = filter.through {
            query = query.filter(\.$occurredAt < through.adding(days: 1).startDate)
        }
        if let cursor, let last = try await AuditEvent.find(cursor, on: database) {
            let occurredAt = last.occurredAt
            query = query.group(.or) { or in
                or.filter(\.$occurredAt < occurredAt)
                or.group(.and) { same in
                    same.filter(\.$occurredAt == occurredAt).filter(\.$id < cursor)
                }
            }
        }
        let rows = try await query
            .sort(\.$occurredAt, .descending)
            .sort(\.$id, .descending)
            .limit(limit + 1)
            .all()
        let shown = Array(rows.prefix(limit))
        return Page(events: shown, nextCursor: rows.count > limit ? shown.last?.id : nil)
    }
}
