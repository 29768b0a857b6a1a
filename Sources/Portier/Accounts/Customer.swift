import Fluent
import Foundation

/// A customer of the hosting company: the person who logs in to Kundavdelningen.
/// `email` is the address registered on the customer account and printed on every invoice;
/// it is stored trimmed and lower-cased so look-ups are case-insensitive.
public final class Customer: Model, @unchecked Sendable {
    public static let schema = "customers"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "name") public var name: String
    /// PHC string (`$scrypt$…`) or a legacy bcrypt hash; `nil` until the customer sets a password.
    @OptionalField(key: "password_hash") public var passwordHash: String?
    @Field(key: "language") public var language: String
    @OptionalField(key: "password_changed_at") public var passwordChangedAt: Date?
    // Contact details (Kundavdelningen › Kontaktuppgifter); printed on invoices.
    /// Organisationsnummer or personnummer (`556677-8899`), or a foreign registration number.
    @OptionalField(key: "identity_number") public var identityNumber: String?
    @OptionalField(key: "street_address") public var streetAddress: String?
    @OptionalField(key: "postal_code") public var postalCode: String?
    @OptionalField(key: "city") public var city: String?
    /// ISO 3166-1 alpha-2 (`SE`).
    @OptionalField(key: "country_code") public var countryCode: String?
    @OptionalField(key: "phone") public var phone: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    /// Kundnummer: given at creation (`CustomerSearchKeys`), shown to staff, searchable.
    @OptionalField(key: "number") public var number: Int?
    /// The lower-cased name the staff search reads (kept by `CustomerSearchKeys`).
    @OptionalField(key: "name_key") public var nameKey: String?
    /// Staff turned the login off: no login, no password reset, no session.
    @Field(key: "is_login_disabled") public var isLoginDisabled: Bool

    public init() {}

    public init(id: UUID? = nil, email: String, name: String, passwordHash: String?, language: Language = .default) {
        self.id = id
        self.email = Customer.normalizedEmail(email)
        self.name = name
        self.passwordHash = passwordHash
        self.language = language.rawValue
        self.isLoginDisabled = false
        self.nameKey = Customer.searchKey(name)
    }

    /// How a name is compared in the staff search: trimmed, single spaces, lower-cased.
    public static func searchKey(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// Trimmed and lower-cased: how an address is stored and looked up.
    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public var preferredLanguage: Language { Language(rawValue: language) ?? .default }
}

extension Customer {
    public static func find(email: String, on database: any Database) async throws -> Customer? {
        try await Customer.query(on: database)
            .filter(\.$email == normalizedEmail(email))
            .first()
    }
}
