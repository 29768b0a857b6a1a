import Fluent
import Vapor

/// Granskningslogg (`/personal/granskningslogg`, admins only): every audit event — staff member,
/// customer, kind, client address, time — newest first, filtered by staff member, customer
/// e-mail address, kind and period, 50 a page by keyset (`?efter=<event id>`). Filters travel in
/// the query string, so a filtered view is a link an admin can keep.
struct AuditLogController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffAuditLog.pathComponents, use: show)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let raw = try request.query.decode(AuditLogQueryForm.self)
        var errors: [String] = []
        var filter = AuditLogQuery.Filter()

        let staffMembers = try await StaffMember.query(on: request.db).sort(\.$name).all()
        if let value = raw.personal?.trimmed, !value.isEmpty {
            if let id = UUID(uuidString: value), staffMembers.contains(where: { $0.id == id }) {
                filter.staffID = id
            } else {
                errors.append(request.localized("staff.audit.error.staff"))
            }
        }
        if let value = raw.kund?.trimmed, !value.isEmpty {
            if value.count <= 254, value.contains("@") {
                filter.customerEmail = value
            } else {
                errors.append(request.localized("staff.audit.error.customer"))
            }
        }
        if let value = raw.typ?.trimmed, !value.isEmpty {
            if AuditEvent.Kind(rawValue: value) != nil {
                filter.kind = value
            } else {
                errors.append(request.localized("staff.audit.error.kind"))
            }
        }
        for (given, isStart) in [(raw.fran, true), (raw.till, false)] {
            guard let value = given?.trimmed, !value.isEmpty else { continue }
            guard let day = CalendarDay(iso: value) else {
                errors.append(request.localized("staff.audit.error.date", value))
                continue
            }
            if isStart { filter.from = day } else { filter.through = day }
        }
        if let from = filter.from, let through = filter.through, through < from {
            errors.append(request.localized("staff.audit.error.period"))
            filter.from = nil
            filter.through = nil
        }
        let cursor = raw.efter.flatMap { UUID(uuidString: $0.trimmed) }

        let page = try await AuditLogQuery(database: request.db).page(filter, after: cursor)
        let context = try await makeContext(request, raw: raw, filter: filter, page: page, staffMembers: staffMembers, errors: errors, isFirstPage: cursor == nil)
        return try await request.renderPage("Staff/audit-log", context, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    private func makeContext(
        _ request: Request, raw: AuditLogQueryForm, filter: AuditLogQuery.Filter, page: AuditLogQuery.Page,
        staffMembers: [StaffMember], errors: [String], isFirstPage: Bool
    ) async throws -> AuditLogPageContext {
        let format = AreaFormatter(request: request)
        let staffNames = Dictionary(staffMembers.compactMap { member in member.id.map { ($0, member.name) } }, uniquingKeysWith: { first, _ in first })
        let customerIDs = Array(Set(page.events.compactMap(\.customerID)))
        let customers = customerIDs.isEmpty ? [] : try await Customer.query(on: request.db).filter(\.$id ~~ customerIDs).all()
        let customerEmails = Dictionary(customers.compactMap { customer in customer.id.map { ($0, customer.email) } }, uniquingKeysWith: { first, _ in first })

        let events = page.events.map { event in
            AuditLogPageContext.EventView(
                occurred: DateTimeView(event.occurredAt, format),
                kind: event.kind,
                kindLabel: AuditEventLabels.label(for: event.kind, language: format.language, catalogs: format.catalogs),
                staff: event.staffID.map { staffNames[$0] ?? $0.uuidString.lowercased() },
                customer: event.customerID.map { customerEmails[$0] ?? $0.uuidString.lowercased() },
                email: event.email,
                address: event.ipAddress,
                details: event.details
            )
        }
        // The filters as given (kept in the form and in the paging links).
        var query: [(String, String)] = []
        if let id = filter.staffID { query.append(("personal", id.uuidString.lowercased())) }
        if let email = filter.customerEmail { query.append(("kund", email)) }
        if let kind = filter.kind { query.append(("typ", kind)) }
        if let from = filter.from { query.append(("fran", from.iso)) }
        if let through = filter.through { query.append(("till", through.iso)) }
        let encoded = query.map { $0.0 + "=" + $0.1.urlQueryEncoded }.joined(separator: "&")
        let nextQuery = page.nextCursor.map { (encoded.isEmpty ? "" : encoded + "&") + "efter=" + $0.uuidString.lowercased() }

        return AuditLogPageContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.auditLog.titleKey),
            staffNavigation: try request.staffNavigation(.auditLog),
            errors: errors,
            staffOptions: staffMembers.compactMap { member in
                member.id.map { .init(value: $0.uuidString.lowercased(), label: member.name + " (" + member.email + ")", isSelected: $0 == filter.staffID) }
            },
            // By label, in the reader's language; the code stays the value (links keep working).
            kindOptions: AuditEvent.Kind.allCases
                .map { AuditLogPageContext.Option(value: $0.rawValue, label: AuditEventLabels.label(for: $0.rawValue, language: format.language, catalogs: format.catalogs),
                              isSelected: $0.rawValue == filter.kind) }
                .sorted { $0.label.compare($1.label, locale: Locale(identifier: format.language.rawValue)) == .orderedAscending },
            customer: raw.kund?.trimmed ?? "",
            from: filter.from?.iso ?? "",
            through: filter.through?.iso ?? "",
            isFiltered: !query.isEmpty,
            events: events,
            firstPagePath: isFirstPage ? nil : SitePath.staffAuditLog(query: encoded),
            nextPath: nextQuery.map(SitePath.staffAuditLog(query:))
        )
    }
}

/// The audit log's query string (Swedish names, as in the address bar).
struct AuditLogQueryForm: Content {
    var personal: String?
    var kund: String?
    var typ: String?
    var fran: String?
    var till: String?
    var efter: String?
}

struct AuditLogPageContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let errors: [String]
    let staffOptions: [Option]
    let kindOptions: [Option]
    let customer: String
    let from: String
    let through: String
    let isFiltered: Bool
    let events: [EventView]
    let firstPagePath: String?
    let nextPath: String?

    struct Option: Encodable, Sendable {
        let value: String
        let label: String
        let isSelected: Bool
    }

    struct EventView: Encodable {
        let occurred: DateTimeView
        /// The stored code (`staff.login.succeeded`) and what it says (`AuditEventLabels`).
        let kind: String
        let kindLabel: String
        let staff: String?
        let customer: String?
        /// The address the event names (typed at a login, or the staff member acted on).
        let email: String?
        let address: String?
        let details: String?
    }
}

private extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
