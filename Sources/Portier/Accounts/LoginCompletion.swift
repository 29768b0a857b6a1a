import Fluent
import Vapor

/// The last step of every login (after the password, the password and a second factor, or a passkey):
/// a new session, the device cookie, the audit event — and, when the browser is new to an account
/// that has logged in before, the "Ny inloggning på ditt konto" e-mail in the same transaction.
struct LoginCompletion {
    let request: Request

    /// - Parameter method: How the second factor was given, for the audit event (nil: password only).
    func complete(customer: Customer, strength: SessionStrength, next: String?, method: String? = nil) async throws -> Response {
        let response = request.redirect(to: next ?? SitePath.customerArea.path, redirectType: .normal)
        try await complete(customer: customer, strength: strength, method: method, on: response)
        return response
    }

    /// The same, with the cookies set on `response` (a passkey login answers its script in JSON).
    func complete(customer: Customer, strength: SessionStrength, method: String?, on response: Response) async throws {
        let customerID = try customer.requireID()
        try await SessionManager(request: request).start(for: customer, strength: strength, on: response)
        let isNewDevice = request.rememberDevice(for: customerID, on: response)

        let now = request.portier.clock.now()
        let userAgent = request.headers.first(name: .userAgent)
        let hasLoggedInBefore = try await AuditEvent.query(on: request.db)
            .filter(\.$customerID == customerID)
            .filter(\.$kind == AuditEvent.Kind.loginSucceeded.rawValue)
            .first() != nil
        var mail: OutgoingMail?
        if isNewDevice, hasLoggedInBefore {
            let device = DeviceLabel(userAgent: userAgent).text(for: customer.preferredLanguage, catalogs: request.application.catalogs)
            mail = try SecurityMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
                .newDeviceLogin(for: customer, at: now, device: device, address: request.clientIP)
        }
        let newDeviceMail = mail
        let event = AuditEvent(
            kind: .loginSucceeded, occurredAt: now, customerID: customerID, email: customer.email,
            ipAddress: request.clientIP, userAgent: userAgent, details: method
        )
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await event.create(on: database)
            if let newDeviceMail { try await Outbox.enqueue(newDeviceMail, on: database, now: now) }
        }
    }
}
