import Fluent
import PortierWebAuthn
import Vapor

/// `POST /logga-in/losennyckel/alternativ` and `POST /logga-in/losennyckel`: logging in with a
/// passkey, from the button on the login page or the browser's autofill (conditional
/// mediation). Both answer the page's script in JSON and need the CSRF token in the body. A
/// passkey login is a full login with two factors (session strength `passkey`, no code step);
/// the session, device cookie and new-device mail are those of every login (`LoginCompletion`).
/// Attempts are throttled per client address like password logins, counted before the check.
struct PasskeyLoginController: RouteCollection {
    /// Options (each a stored challenge) per client address: generous, as every login page asks once.
    static let optionsPolicy = ThrottlePolicy(freeFailures: 300, window: 15 * 60, baseDelay: 30, maxDelay: 15 * 60)
    /// Sign-in attempts per client address: as for passwords.
    static let loginPolicy = ThrottlePolicy.loginPerAddress

    func boot(routes: any RoutesBuilder) throws {
        routes.post(SitePath.passkeyLoginOptions.pathComponents, use: options)
        routes.post(SitePath.passkeyLogin.pathComponents, use: login)
    }

    static func throttleKey(_ request: Request, _ purpose: String) -> String {
        "passkey-login:" + purpose + ":ip:" + request.clientThrottleKey
    }

    @Sendable
    func options(request: Request) async throws -> Response {
        try await PasskeySignInStart.options(request, throttleKey: Self.throttleKey(request, "options"))
    }

    @Sendable
    func login(request: Request) async throws -> Response {
        let start = try await PasskeySignInStart.begin(request, throttleKey: Self.throttleKey(request, "attempt"), policy: Self.loginPolicy) {
            try await request.audit(.loginThrottled, details: "passkey")
            request.application.metrics.record(PortierMetrics.LoginOutcome.throttled)
        }
        let attempt: PasskeySignInStart.Attempt
        switch start {
        case .answered(let response): return response
        case .attempt(let reserved): attempt = reserved
        }
        var refusedKey: PasskeyCredential?
        do {
            let signIn = try await request.passkeys.verifyAuthentication(attempt.credential, kind: .customer, on: request.db, refusedKey: &refusedKey)
            guard let customer = try await Customer.find(signIn.subject.id, on: request.db) else { throw PasskeyError.unknownCredential }
            try await Throttle(database: request.db).reset(attempt.throttleKey)
            // Support has disabled this customer's login: a passkey does not open it either.
            if customer.isLoginDisabled {
                try await request.audit(.loginRefusedDisabled, customerID: signIn.subject.id, email: customer.email, details: "passkey")
                request.application.metrics.record(PortierMetrics.LoginOutcome.loginDisabled)
                return try request.passkeyRefusal("staff.customers.login_disabled.message", status: .forbidden)
            }
            try await request.audit(.passkeyUsed, customerID: signIn.subject.id, email: customer.email, details: signIn.credential.name)
            request.application.metrics.record(PortierMetrics.LoginOutcome.succeeded)
            let response = try request.passkeyJSON(PasskeyAnswer(redirect: attempt.next ?? SitePath.customerArea.path))
            try await LoginCompletion(request: request).complete(customer: customer, strength: .passkey, method: "passkey", on: response)
            return response
        } catch let error as PasskeyError {
            request.application.metrics.record(PortierMetrics.LoginOutcome.failed)
            try await recordRefusal(request, error: error, key: refusedKey)
            request.logger.notice("passkey login refused", metadata: ["reason": .string(error.reason)])
            return try request.passkeyRefusal(error.catalogKey, status: error == .malformedRequest ? .badRequest : .unauthorized)
        }
    }

    /// The audit event of a refused sign-in; a counter that went backwards is also mailed to the
    /// key's owner, in the same transaction.
    private func recordRefusal(_ request: Request, error: PasskeyError, key: PasskeyCredential?) async throws {
        guard let key, key.subjectKind == .customer, let customer = try await Customer.find(key.subjectID, on: request.db) else {
            try await request.audit(.passkeyLoginFailed, details: error.reason)
            return
        }
        let customerID = try customer.requireID()
        guard error == .counterWentBackwards else {
            try await request.audit(.passkeyRefused, customerID: customerID, email: customer.email, details: key.name + ": " + error.reason)
            return
        }
        let now = request.portier.clock.now()
        let mail = try PasskeyMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
            .possiblyCloned(for: customer, keyName: key.name, at: now)
        let event = AuditEvent(
            kind: .passkeyCounterRefused, occurredAt: now, customerID: customerID, email: customer.email,
            ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent), details: key.name
        )
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await event.create(on: database)
            try await Outbox.enqueue(mail, on: database, now: now)
        }
    }
}
