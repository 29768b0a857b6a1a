import Fluent
import Foundation

/// Something a customer pays for: a web hosting plan, a domain or an e-mail package.
public final class Service: Model, @unchecked Sendable {
    public static let schema = "services"

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case hosting
        case domain
        case email

        var catalogKey: String { "area.service.kind.\(rawValue)" }
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case active
        case suspended
        case cancelled
        case pending

        var catalogKey: String { "area.service.status.\(rawValue)" }

        var badge: String {
            switch self {
            case .active: "badge-success"
            case .suspended: "badge-error"
            case .cancelled: "badge-neutral"
            case .pending: "badge-warning"
            }
        }
    }

    public enum BillingCycle: String, Codable, Sendable, CaseIterable {
        case monthly
        case quarterly
        case yearly
        case biennially

        var months: Int {
            switch self {
            case .monthly: 1
            case .quarterly: 3
            case .yearly: 12
            case .biennially: 24
            }
        }

        var catalogKey: String { "area.service.cycle.\(rawValue)" }
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "customer_id") public var customer: Customer
    @Field(key: "kind") public var kind: Kind
    /// The domain the service is for (`exempelbolaget.se`).
    @Field(key: "domain") public var domain: String
    /// The plan's name as sold (`Webbhotell Mellan`, `Domän .se`, `E-post Bas`).
    @Field(key: "plan") public var plan: String
    @Field(key: "status") public var status: Status
    /// Price per billing period, excluding VAT.
    @Field(key: "price_ore") public var priceOre: Int
    @Field(key: "billing_cycle") public var billingCycle: BillingCycle
    /// `YYYY-MM-DD`; `nil` for a cancelled service.
    @OptionalField(key: "next_due_on") public var nextDueOnText: String?
    @Field(key: "started_on") public var startedOnText: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, customerID: UUID, kind: Kind, domain: String, plan: String, status: Status,
                price: Money, billingCycle: BillingCycle, startedOn: CalendarDay, nextDueOn: CalendarDay?) {
        self.id = id
        self.$customer.id = customerID
        self.kind = kind
        self.domain = domain
        self.plan = plan
        self.status = status
        self.priceOre = price.ore
        self.billingCycle = billingCycle
        self.startedOnText = startedOn.iso
        self.nextDueOnText = nextDueOn?.iso
    }

    public var price: Money { Money(ore: priceOre) }
    public var nextDueOn: CalendarDay? { nextDueOnText.flatMap(CalendarDay.init(iso:)) }
    public var startedOn: CalendarDay? { CalendarDay(iso: startedOnText) }
}

extension Service {
    /// The customer's services: every look-up in the customer area starts here.
    static func query(for customerID: UUID, on database: any Database) -> QueryBuilder<Service> {
        Service.query(on: database).filter(\.$customer.$id == customerID)
    }

    /// The customer's service with `id`, or `nil` (also when it belongs to someone else).
    static func find(_ id: UUID, for customerID: UUID, on database: any Database) async throws -> Service? {
        try await query(for: customerID, on: database).filter(\.$id == id).first()
    }

    /// Services that are not cancelled, the next one due first.
    static func current(for customerID: UUID, on database: any Database) async throws -> [Service] {
        try await query(for: customerID, on: database)
            .filter(\.$status != .cancelled)
            .sort(\.$nextDueOnText)
            .sort(\.$domain)
            .all()
    }
}
