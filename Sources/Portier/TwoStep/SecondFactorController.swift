import Fluent
import Vapor

/// `GET/POST /logga-in/kod`: the second step of a login with two-step verification on. Only a
/// session waiting for its second factor (`PendingSecondFactor`, for five minutes after the
/// password) gets here. Codes are throttled like passwords — per account, or per device for a
/// browser that has logged in before — and counted before they are checked.
struct SecondFactorController: RouteCollection {
    /// The same allowance as passwords: five free, then growing delays, forgotten after an hour.
    static let policy = ThrottlePolicy.loginPerAccount

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.secondFactor.pathComponents, use: show)
        routes.post(SitePath.secondFactor.pathComponents, use: verify)
    }

    /// The throttle key a code for `customerID` counts against from this browser.
    static func throttleKey(customerID: UUID, device: DeviceCookie?) -> String {
        let account = customerID.uuidString.lowercased()
        if let device { return "two-step:device:" + account + ":" + device.deviceID }
        return "two-step:account:" + account
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let next = SafeRedirect.path(from: request.query[String.self, at: "next"])
        guard try await pendingCustomer(request) != nil else {
            return notPending(request, next: next)
        }
        return try await render(request, next: next, error: nil)
    }

    @Sendable
    func verify(request: Request) async throws -> Response {
        let form = try request.content.decode(SecondFactorForm.self)
        let next = SafeRedirect.path(from: form.next)
        guard let customer = try await pendingCustomer(request) else {
            return notPending(request, next: next)
        }
        let customerID = try customer.requireID()
        let subject = SecondFactorSubject.customer(customerID)
        let code = form.code ?? ""
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else {
            return try await render(request, next: next, error: request.localized("second_factor.error.missing"), status: .unprocessableEntity)
        }

        let now = request.portier.clock.now()
        let throttle = Throttle(database: request.db)
        let key = Self.throttleKey(customerID: customerID, device: request.deviceCookie(for: customerID))
        if case .refused(let retryAfter) = try await throttle.reserve(key, policy: Self.policy, now: now) {
            try await request.audit(.secondFactorThrottled, customerID: customerID, email: customer.email)
            let minutes = String(max(1, Int((retryAfter / 60).rounded(.up))))
            let response = try await render(request, next: next, error: request.localized("second_factor.error.throttled", minutes), status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up))))
            return response
        }

        let service = request.twoStep
        let mails = SecurityMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
        let clientIP = request.clientIP
        let userAgent = request.headers.first(name: .userAgent)
        let verification: TwoStepService.Verification
        do {
            // The code is spent, and a used backup code audited and mailed, in one transaction.
            verification = try await request.db.transactionTakingSQLiteWriteLock { database in
                let verification = try await service.verify(code, for: subject, on: database)
                if case .backupCode(let remaining) = verification {
                    try await AuditEvent(kind: .backupCodeUsed, occurredAt: now, customerID: customerID, email: customer.email,
                                         ipAddress: clientIP, userAgent: userAgent, details: "remaining \(remaining)").create(on: database)
                    try await Outbox.enqueue(try mails.backupCodeUsed(for: customer, at: now, remaining: remaining), on: database, now: now)
                }
                return verification
            }
        } catch TwoStepError.codeInvalid, TwoStepError.codeMissing {
            try await request.audit(.secondFactorFailed, customerID: customerID, email: customer.email)
            return try await render(request, next: next, error: request.localized("second_factor.error.invalid"), status: .unauthorized)
        } catch TwoStepError.notEnabled {
            // Turned off meanwhile (from another session): the password was right, so log in.
            try await throttle.reset(key)
            return try await LoginCompletion(request: request).complete(customer: customer, strength: .password, next: next)
        }

        try await throttle.reset(key)
        let method = verification == .authenticatorCode ? "authenticator app" : "backup code"
        let response = try await LoginCompletion(request: request).complete(customer: customer, strength: .secondFactor, next: next, method: method)
        if form.remember != nil {
            try await request.rememberDeviceForTwoStep(subject, on: response)
        }
        return response
    }

    /// The customer whose session waits for its second factor, if this request has one.
    private func pendingCustomer(_ request: Request) async throws -> Customer? {
        guard let pending = request.auth.get(PendingSecondFactor.self), pending.session.subjectKind == .customer else { return nil }
        return pending.session.customer
    }

    /// Logged in already: on to the customer area; else (the five minutes are over) the login page.
    private func notPending(_ request: Request, next: String?) -> Response {
        if request.auth.has(AuthenticatedCustomer.self) {
            return request.redirect(to: next ?? SitePath.customerArea.path)
        }
        let notice: LoginNotice? = request.endedSession == .expired ? .sessionExpired : nil
        return request.redirect(to: SitePath.login(next: next, notice: notice))
    }

    private func render(_ request: Request, next: String?, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let context = SecondFactorPageContext(
            layout: LayoutContext(request: request, titleKey: "second_factor.title"),
            next: next, error: error
        )
        return try await request.renderPage("TwoStep/second-factor", context, status: status)
    }
}
