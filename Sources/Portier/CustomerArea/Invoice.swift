import Fluent
import Foundation

/// An issued invoice. Its lines, totals and the buyer's details (name, address, the registered
/// e-mail address) are fixed when it is issued, as on the document the customer received;
/// only its payment status changes afterwards.
public final class Invoice: Model, @unchecked Sendable {
    public static let schema = "invoices"

    /// What is stored. "Overdue" is not stored: it is an unpaid invoice past its due date
    /// (``Invoice/displayStatus(today:)``).
    public enum Status: String, Codable, Sendable, CaseIterable {
        case unpaid
        case paid
        case cancelled
    }

    /// What the customer sees, and what `?status=` filters on.
    public enum DisplayStatus: String, Sendable, CaseIterable {
        case unpaid
        case overdue
        case paid
        case cancelled

        var catalogKey: String { "area.invoice.status.\(rawValue)" }

        var badge: String {
            switch self {
            case .unpaid: "badge-warning"
            case .overdue: "badge-error"
            case .paid: "badge-success"
            case .cancelled: "badge-neutral"
            }
        }
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "customer_id") public var customer: Customer
    /// From the one continuous number series (``InvoiceIssuer``).
    @Field(key: "number") public var number: Int
    @Field(key: "issued_on") public var issuedOnText: String
    @Field(key: "due_on") public var dueOnText: String
    @Field(key: "status") public var status: Status
    @OptionalField(key: "paid_at") public var paidAt: Date?
    @Field(key: "net_ore") public var netOre: Int
    @Field(key: "vat_ore") public var vatOre: Int
    @Field(key: "total_ore") public var totalOre: Int
    /// The buyer as printed on the invoice.
    @Field(key: "billing_name") public var billingName: String
    /// The address registered on the customer account: the one customers log in with.
    @Field(key: "billing_email") public var billingEmail: String
    @OptionalField(key: "billing_identity_number") public var billingIdentityNumber: String?
    /// Street, postal code + city, country: one line each.
    @Field(key: "billing_address") public var billingAddress: String
    @Children(for: \.$invoice) public var lines: [InvoiceLine]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public var issuedOn: CalendarDay? { CalendarDay(iso: issuedOnText) }
    public var dueOn: CalendarDay? { CalendarDay(iso: dueOnText) }
    public var net: Money { Money(ore: netOre) }
    public var vat: Money { Money(ore: vatOre) }
    public var total: Money { Money(ore: totalOre) }

    /// Overdue when unpaid after its due date (the due date itself is still in time).
    public func displayStatus(today: CalendarDay) -> DisplayStatus {
        switch status {
        case .paid: return .paid
        case .cancelled: return .cancelled
        case .unpaid: return dueOnText < today.iso ? .overdue : .unpaid
        }
    }

    public var billingAddressLines: [String] {
        billingAddress.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

extension Invoice {
    /// The customer's invoices: every look-up in the customer area starts here.
    static func query(for customerID: UUID, on database: any Database) -> QueryBuilder<Invoice> {
        Invoice.query(on: database).filter(\.$customer.$id == customerID)
    }

    /// The customer's invoice with `id` and its lines, or `nil` (also when it is someone else's).
    static func find(_ id: UUID, for customerID: UUID, on database: any Database) async throws -> Invoice? {
        try await query(for: customerID, on: database)
            .filter(\.$id == id)
            .with(\.$lines)
            .first()
    }

    /// The customer's invoices matching a list filter, newest first.
    static func list(for customerID: UUID, filter: DisplayStatus?, today: CalendarDay, on database: any Database) async throws -> [Invoice] {
        let query = Self.query(for: customerID, on: database)
        switch filter {
        case nil: break
        case .unpaid: query.filter(\.$status == .unpaid)
        case .overdue: query.filter(\.$status == .unpaid).filter(\.$dueOnText < today.iso)
        case .paid: query.filter(\.$status == .paid)
        case .cancelled: query.filter(\.$status == .cancelled)
        }
        return try await query.sort(\.$issuedOnText, .descending).sort(\.$number, .descending).all()
    }

    /// Unpaid invoices (overdue included), the earliest due first.
    static func unpaid(for customerID: UUID, on database: any Database) async throws -> [Invoice] {
        try await query(for: customerID, on: database)
            .filter(\.$status == .unpaid)
            .sort(\.$dueOnText)
            .sort(\.$number)
            .all()
    }
}

/// One line of an invoice: quantity × unit price (excluding VAT) at a VAT rate.
public final class InvoiceLine: Model, @unchecked Sendable {
    public static let schema = "invoice_lines"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "invoice_id") public var invoice: Invoice
    @Field(key: "position") public var position: Int
    @Field(key: "description") public var description: String
    @Field(key: "quantity") public var quantity: Int
    @Field(key: "unit_price_ore") public var unitPriceOre: Int
    /// Basis points: 2500 is 25 %.
    @Field(key: "vat_rate") public var vatRate: Int
    @OptionalParent(key: "service_id") public var service: Service?

    public init() {}

    init(invoiceID: UUID, position: Int, draft: InvoiceLineDraft) {
        self.$invoice.id = invoiceID
        self.position = position
        self.description = draft.description
        self.quantity = draft.quantity
        self.unitPriceOre = draft.unitPrice.ore
        self.vatRate = draft.vatRate
        self.$service.id = draft.serviceID
    }

    var draft: InvoiceLineDraft {
        InvoiceLineDraft(description: description, quantity: quantity, unitPrice: Money(ore: unitPriceOre), vatRate: vatRate, serviceID: $service.id)
    }
}
