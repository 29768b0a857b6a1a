import Vapor

/// Amounts, dates and labels for one request's language.
struct AreaFormatter {
    let language: Language
    let catalogs: Catalogs
    /// Today in Stockholm, from the injected clock: what "overdue" is measured against.
    let today: CalendarDay

    init(request: Request) {
        language = request.language
        catalogs = request.application.catalogs
        today = CalendarDay(containing: request.portier.clock.now())
    }

    func money(_ amount: Money) -> String { amount.formatted(for: language) }
    func day(_ day: CalendarDay) -> String { AreaDateFormat.day(day, language: language) }
    func dateTime(_ date: Date) -> String { AreaDateFormat.dateTime(date, language: language) }
    func text(_ key: String, _ arguments: String...) -> String { catalogs.string(key, language: language, arguments: arguments) }
}

/// A date as a template shows it: `<time datetime="#(x.iso)">#(x.text)</time>`.
struct DayView: Encodable {
    let iso: String
    let text: String

    init(_ day: CalendarDay, _ format: AreaFormatter) {
        iso = day.iso
        text = format.day(day)
    }
}

struct DateTimeView: Encodable {
    let iso: String
    let text: String

    init(_ date: Date, _ format: AreaFormatter) {
        iso = AreaDateFormat.machineReadable(date)
        text = format.dateTime(date)
    }
}

/// A badge: `<span class="badge #(x.badge)">#(x.label)</span>`.
struct StatusView: Encodable {
    let value: String
    let label: String
    let badge: String
}

struct ServiceView: Encodable {
    let id: String
    let path: String
    let kind: String
    let kindLabel: String
    let domain: String
    let plan: String
    let status: StatusView
    let price: String
    let cycleLabel: String
    let nextDue: DayView?
    let startedOn: DayView?
    let isHosting: Bool
    let isEmail: Bool

    init(_ service: Service, _ format: AreaFormatter) throws {
        let id = try service.requireID()
        self.id = id.uuidString.lowercased()
        path = SiteURL.service(.value(id)).path
        kind = service.kind.rawValue
        kindLabel = format.text(service.kind.catalogKey)
        domain = service.domain
        plan = service.plan
        status = StatusView(value: service.status.rawValue, label: format.text(service.status.catalogKey), badge: service.status.badge)
        price = format.money(service.price)
        cycleLabel = format.text(service.billingCycle.catalogKey)
        nextDue = service.nextDueOn.map { DayView($0, format) }
        startedOn = service.startedOn.map { DayView($0, format) }
        isHosting = service.kind == .hosting
        isEmail = service.kind == .email
    }
}

struct InvoiceView: Encodable {
    let id: String
    let path: String
    let number: String
    let issued: DayView?
    let due: DayView?
    let net: String
    let vat: String
    let total: String
    let status: StatusView
    let isOverdue: Bool
    let isUnpaid: Bool
    let isPaid: Bool
    let paidAt: DayView?

    init(_ invoice: Invoice, _ format: AreaFormatter) throws {
        let id = try invoice.requireID()
        self.id = id.uuidString.lowercased()
        path = SiteURL.invoice(.value(id)).path
        number = String(invoice.number)
        issued = invoice.issuedOn.map { DayView($0, format) }
        due = invoice.dueOn.map { DayView($0, format) }
        net = format.money(invoice.net)
        vat = format.money(invoice.vat)
        total = format.money(invoice.total)
        let display = invoice.displayStatus(today: format.today)
        status = StatusView(value: display.rawValue, label: format.text(display.catalogKey), badge: display.badge)
        isOverdue = display == .overdue
        isUnpaid = display == .unpaid || display == .overdue
        isPaid = display == .paid
        paidAt = invoice.paidAt.map { DayView(CalendarDay(containing: $0), format) }
    }
}

struct TicketView: Encodable {
    let id: String
    let path: String
    let number: String
    let subject: String
    let department: String
    let departmentLabel: String
    let status: StatusView
    let isClosed: Bool
    let created: DateTimeView
    let lastActivity: DateTimeView

    init(_ ticket: Ticket, _ format: AreaFormatter) throws {
        let id = try ticket.requireID()
        self.id = id.uuidString.lowercased()
        path = SiteURL.ticket(.value(id)).path
        number = String(ticket.number)
        subject = ticket.subject
        department = ticket.department.rawValue
        departmentLabel = format.text(ticket.department.catalogKey)
        status = StatusView(value: ticket.status.rawValue, label: format.text(ticket.status.catalogKey), badge: ticket.status.badge)
        isClosed = ticket.isClosed
        created = DateTimeView(ticket.createdAt, format)
        lastActivity = DateTimeView(ticket.lastActivityAt, format)
    }
}

/// An `<option>` of a `<select>`.
struct OptionView: Encodable {
    let value: String
    let label: String
    let isSelected: Bool
}

/// A success or info message after a redirect (`?notice=…`), from a fixed list so the query
/// string cannot put arbitrary text on the page.
enum AreaNotice: String, CaseIterable {
    case detailsSaved = "details-saved"
    case emailLinkSent = "email-link-sent"
    case emailChanged = "email-changed"
    case passwordChanged = "password-changed"
    case ticketCreated = "ticket-created"
    case ticketReplied = "ticket-replied"
    case ticketClosed = "ticket-closed"
    case twoStepEnabled = "two-step-enabled"
    case twoStepDisabled = "two-step-disabled"
    case backupCodesReplaced = "backup-codes-replaced"
    case sessionEnded = "session-ended"
    case otherSessionsEnded = "other-sessions-ended"
    case passkeyAdded = "passkey-added"
    case passkeyRenamed = "passkey-renamed"
    case passkeyRemoved = "passkey-removed"

    var catalogKey: String { "area.notice." + rawValue.replacingOccurrences(of: "-", with: "_") }

    static func from(_ request: Request) -> AreaNotice? {
        request.query[String.self, at: "notice"].flatMap(AreaNotice.init(rawValue:))
    }
}

extension Request {
    /// The `:id` parameter as a UUID; anything else is a 404.
    func areaID() throws -> UUID {
        guard let id = parameters.uuid(.id) else { throw CustomerAreaError.notFound }
        return id
    }
}

extension LayoutContext {
    /// The same layout with a page title that is not a fixed catalog string (`Faktura 10042`).
    func withTitle(_ title: String) -> LayoutContext {
        var copy = self
        copy.title = title
        return copy
    }
}
