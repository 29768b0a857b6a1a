import Fluent
import Foundation

/// Creates a customer account: `portier customers create` and the staff area
/// (`/personal/kunder/ny`) both use it. The customer, its audit event and — without a password —
/// a one-time set-password link (and, when asked, its e-mail through the outbox) are written in
/// one transaction.
struct CustomerCreation {
    enum Problem: Error, Equatable, Hashable {
        case invalidEmail
        case missingName
        case emailTaken
    }

    /// Every problem of a form at once.
    struct Problems: Error, Equatable {
        let all: Set<Problem>
        func contains(_ problem: Problem) -> Bool { all.contains(problem) }
    }

    struct Valid: Equatable {
        let email: String
        let name: String
    }

    struct Created {
        let customer: Customer
        /// The set-password link; nil when a password was given.
        let setPasswordLink: String?
    }

    /// How long the set-password link lives unless told otherwise.
    static let defaultLinkLifetime: TimeInterval = 24 * 3600

    let services: PortierServices
    let database: any Database

    /// The normalised e-mail address and name, or every problem at once (not yet: `emailTaken`).
    static func validate(email rawEmail: String?, name rawName: String?) -> Result<Valid, Problems> {
        var problems: Set<Problem> = []
        let email = Customer.normalizedEmail(rawEmail ?? "")
        if email.isEmpty || email.count > 254 || (try? MailAddress(email: email)) == nil {
            problems.insert(.invalidEmail)
        }
        let name = (rawName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.insert(.missingName)
        }
        return problems.isEmpty ? .success(Valid(email: email, name: name)) : .failure(Problems(all: problems))
    }

    /// - Parameters:
    ///   - mails: when given, the set-password link is also e-mailed to the customer.
    ///   - audit: the `customer.created` event for the new customer's id.
    /// - Throws: ``Problem/emailTaken``.
    func create(
        email: String, name: String, language: Language, passwordHash: String?,
        linkLifetime: TimeInterval = CustomerCreation.defaultLinkLifetime, mails: RecoveryMails? = nil,
        audit: @escaping @Sendable (UUID) -> AuditEvent
    ) async throws -> Created {
        let services = self.services
        let database = self.database
        // Customer numbers are the highest + 1 under a unique index: a concurrent create (another
        // instance, another command) can take the same number, so a refused insert tries again
        // with a fresh customer. An address taken meanwhile is `emailTaken`, not a retry.
        let (customer, link) = try await retryingOnConstraintFailure(attempts: 20) { () async throws -> (Customer, String?) in
            if try await Customer.find(email: email, on: database) != nil {
                throw Problem.emailTaken
            }
            let customer = Customer(email: email, name: name, passwordHash: passwordHash, language: language)
            let link: String? = try await database.transactionTakingSQLiteWriteLock { database in
                try await customer.create(on: database)
                let customerID = try customer.requireID()
                try await audit(customerID).create(on: database)
                guard passwordHash == nil else { return nil }
                let issuer = ResetLinkIssuer(services: services)
                let token = try await issuer.issue(for: customerID, purpose: .setInitial, lifetime: linkLifetime, on: database)
                let link = issuer.link(for: token)
                if let mails {
                    let mail = try mails.resetLink(to: customer, link: link, validFor: linkLifetime, purpose: .setInitial)
                    try await Outbox.enqueue(mail, on: database, now: services.clock.now())
                }
                return link
            }
            return (customer, link)
        }
        return Created(customer: customer, setPasswordLink: link)
    }
}
