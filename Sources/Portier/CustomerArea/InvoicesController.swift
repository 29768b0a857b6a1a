import Fluent
import Vapor

struct InvoiceFilterView: Encodable {
    let label: String
    let path: String
    let isCurrent: Bool
}

struct InvoicesContext: PageContext {
    let layout: LayoutContext
    let section = "invoices"
    let filters: [InvoiceFilterView]
    /// `all`, `unpaid`, `paid` or `overdue`.
    let filter: String
    let invoices: [InvoiceView]
    let unpaidTotal: String
    let unpaidCount: Int
    /// The catalog key of the empty state for the chosen filter.
    let emptyKey: String
}

struct InvoiceLineView: Encodable {
    let description: String
    let quantity: String
    let unitPrice: String
    let vatRate: String
    let net: String
}

struct VATRowView: Encodable {
    let label: String
    let base: String
    let amount: String
}

struct InvoiceContext: PageContext {
    let layout: LayoutContext
    let section = "invoices"
    let invoice: InvoiceView
    let buyer: Buyer
    let lines: [InvoiceLineView]
    let vatRows: [VATRowView]
    let paymentTermDays: Int
    /// Opens a ticket to Ekonomi about this invoice.
    let questionPath: String

    struct Buyer: Encodable {
        let name: String
        let identityNumber: String?
        let addressLines: [String]
        /// The address registered on the customer account when the invoice was issued.
        let email: String
    }
}

/// Fakturor: the list with its filters (Alla, Obetalda, Betalda, Förfallna) and the invoice page,
/// which prints as a clean A4 invoice (`Public/css/invoice-print.css`).
struct InvoicesController: RouteCollection {
    enum Filter: String, CaseIterable {
        case all, unpaid, paid, overdue

        var displayStatus: Invoice.DisplayStatus? {
            switch self {
            case .all: nil
            case .unpaid: .unpaid
            case .paid: .paid
            case .overdue: .overdue
            }
        }

        var labelKey: String { "area.invoices.filter.\(rawValue)" }
        var emptyKey: String { "area.invoices.empty.\(rawValue)" }
        var path: String { self == .all ? SitePath.invoices.path : SitePath.invoices.path + "?status=" + rawValue }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.invoices.pathComponents, use: list)
        routes.get(SiteURL.invoice(.key).pathComponents, use: show)
    }

    @Sendable
    func list(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let format = AreaFormatter(request: request)
        let filter = request.query[String.self, at: "status"].flatMap(Filter.init(rawValue:)) ?? .all
        let invoices = try await Invoice.list(for: customerID, filter: filter.displayStatus, today: format.today, on: request.db)
        let unpaid = try await Invoice.unpaid(for: customerID, on: request.db)
        let context = InvoicesContext(
            layout: LayoutContext(request: request, titleKey: "area.invoices.title"),
            filters: Filter.allCases.map { InvoiceFilterView(label: format.text($0.labelKey), path: $0.path, isCurrent: $0 == filter) },
            filter: filter.rawValue,
            invoices: try invoices.map { try InvoiceView($0, format) },
            unpaidTotal: format.money(unpaid.reduce(.zero) { $0 + $1.total }),
            unpaidCount: unpaid.count,
            emptyKey: filter.emptyKey
        )
        return try await request.renderPage("CustomerArea/invoices", context)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let customerID = try request.auth.require(AuthenticatedCustomer.self).customer.requireID()
        let invoice = try await Invoice.find(try request.areaID(), for: customerID, on: request.db).orNotFound()
        let format = AreaFormatter(request: request)
        let view = try InvoiceView(invoice, format)
        let drafts = invoice.lines.sorted { $0.position < $1.position }.map(\.draft)
        let totals = InvoiceTotals(lines: drafts)
        let context = InvoiceContext(
            layout: LayoutContext(request: request, titleKey: "area.invoices.title").withTitle(format.text("area.invoice.heading", view.number)),
            invoice: view,
            buyer: .init(
                name: invoice.billingName,
                identityNumber: invoice.billingIdentityNumber,
                addressLines: invoice.billingAddressLines,
                email: invoice.billingEmail
            ),
            lines: drafts.map { line in
                InvoiceLineView(
                    description: line.description, quantity: String(line.quantity),
                    unitPrice: format.money(line.unitPrice), vatRate: VATRate.label(line.vatRate, language: format.language),
                    net: format.money(line.net)
                )
            },
            vatRows: totals.rates.map { rate in
                VATRowView(
                    label: format.text("area.invoice.vat_rate", VATRate.label(rate.rate, language: format.language)),
                    base: format.money(rate.net), amount: format.money(rate.vat)
                )
            },
            paymentTermDays: invoice.issuedOn.flatMap { issued in invoice.dueOn.map { issued.days(until: $0) } } ?? InvoiceIssuer.paymentTermDays,
            questionPath: SitePath.newTicket.path + "?avdelning=" + Ticket.Department.billing.rawValue + "&faktura=" + view.number
        )
        return try await request.renderPage("CustomerArea/invoice", context)
    }
}
