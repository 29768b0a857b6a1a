import Fluent
import Vapor

/// The mandatory second step of a staff login, for a staff session waiting for it
/// (`PendingSecondFactor`, five minutes after the password):
/// - `GET/POST /personal/logga-in/aktivera` — the first login (or the first after an admin reset
///   the second factor): set up an authenticator app from the QR code or the secret, confirm
///   with a code, then see the ten backup codes once;
/// - `GET/POST /personal/logga-in/kod` — every later login: a code from the app or a backup code.
/// Codes are throttled like passwords (per member, or per device for a known browser) and
/// counted before they are checked; every attempt is audited with the staff id.
struct StaffSecondFactorController: RouteCollection {
    static let policy = ThrottlePolicy.loginPerAccount

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.staffSecondFactor.pathComponents, use: showCode)
        routes.post(SitePath.staffSecondFactor.pathComponents, use: verifyCode)
        routes.get(SitePath.staffEnrolment.pathComponents, use: showEnrolment)
        routes.post(SitePath.staffEnrolment.pathComponents, use: confirmEnrolment)
    }

    static func throttleKey(staffID: UUID, device: DeviceCookie?) -> String {
        let account = staffID.uuidString.lowercased()
        if let device { return "staff-two-step:device:" + account + ":" + device.deviceID }
        return "staff-two-step:account:" + account
    }

    // MARK: Code

    @Sendable
    func showCode(request: Request) async throws -> Response {
        let next = SafeRedirect.path(from: request.query[String.self, at: "next"])
        guard let member = try await pendingMember(request) else { return notPending(request, next: next) }
        guard try await request.twoStep.isEnabled(for: .staff(try member.requireID()), on: request.db) else {
            return request.redirect(to: SitePath.withNext(SitePath.staffEnrolment.path, next: next))
        }
        return try await renderCode(request, next: next, error: nil)
    }

    @Sendable
    func verifyCode(request: Request) async throws -> Response {
        let form = try request.content.decode(StaffCodeForm.self)
        let next = SafeRedirect.path(from: form.next)
        guard let member = try await pendingMember(request) else { return notPending(request, next: next) }
        let staffID = try member.requireID()
        let subject = SecondFactorSubject.staff(staffID)
        guard try await request.twoStep.isEnabled(for: subject, on: request.db) else {
            return request.redirect(to: SitePath.withNext(SitePath.staffEnrolment.path, next: next), redirectType: .normal)
        }
        let code = form.code ?? ""
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty else {
            return try await renderCode(request, next: next, error: request.localized("second_factor.error.missing"), status: .unprocessableEntity)
        }
        if let refusal = try await reserveAttempt(request, member: member) {
            return try await renderCode(request, next: next, error: refusal.message, status: .tooManyRequests, retryAfter: refusal.retryAfter)
        }

        let service = request.twoStep
        let now = request.portier.clock.now()
        let clientIP = request.clientIP
        let userAgent = request.headers.first(name: .userAgent)
        let verification: TwoStepService.Verification
        do {
            // The code is spent, and a used backup code audited, in one transaction.
            verification = try await request.db.transactionTakingSQLiteWriteLock { database in
                let verification = try await service.verify(code, for: subject, on: database)
                if case .backupCode(let remaining) = verification {
                    try await AuditEvent(kind: .staffBackupCodeUsed, occurredAt: now, customerID: nil, staffID: staffID, email: member.email,
                                         ipAddress: clientIP, userAgent: userAgent, details: "remaining \(remaining)").create(on: database)
                }
                return verification
            }
        } catch TwoStepError.codeInvalid, TwoStepError.codeMissing {
            try await request.audit(.staffSecondFactorFailed, staffID: staffID, email: member.email)
            return try await renderCode(request, next: next, error: request.localized("second_factor.error.invalid"), status: .unauthorized)
        }
        try await Throttle(database: request.db).reset(throttleKey(request, staffID: staffID))
        let method = verification == .authenticatorCode ? "authenticator app" : "backup code"
        let response = request.redirect(to: next ?? SitePath.staffArea.path, redirectType: .normal)
        try await complete(request, member: member, method: method, on: response)
        return response
    }

    // MARK: Enrolment

    @Sendable
    func showEnrolment(request: Request) async throws -> Response {
        let next = SafeRedirect.path(from: request.query[String.self, at: "next"])
        guard let member = try await pendingMember(request) else { return notPending(request, next: next) }
        let subject = SecondFactorSubject.staff(try member.requireID())
        if try await request.twoStep.isEnabled(for: subject, on: request.db) {
            return request.redirect(to: SitePath.withNext(SitePath.staffSecondFactor.path, next: next))
        }
        return try await renderEnrolment(request, member: member, next: next, error: nil)
    }

    @Sendable
    func confirmEnrolment(request: Request) async throws -> Response {
        let form = try request.content.decode(StaffCodeForm.self)
        let next = SafeRedirect.path(from: form.next)
        guard let member = try await pendingMember(request) else { return notPending(request, next: next) }
        let staffID = try member.requireID()
        let subject = SecondFactorSubject.staff(staffID)
        guard !(try await request.twoStep.isEnabled(for: subject, on: request.db)) else {
            return request.redirect(to: SitePath.withNext(SitePath.staffSecondFactor.path, next: next), redirectType: .normal)
        }
        if let refusal = try await reserveAttempt(request, member: member) {
            let response = try await renderEnrolment(request, member: member, next: next, error: refusal.message, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(refusal.retryAfter.rounded(.up))))
            return response
        }
        let service = request.twoStep
        let event = AuditEvent(kind: .staffTwoStepEnabled, occurredAt: request.portier.clock.now(), customerID: nil, staffID: staffID, email: member.email,
                               ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent))
        let codes: [String]
        do {
            codes = try await request.db.transactionTakingSQLiteWriteLock { database in
                let codes = try await service.confirmEnrolment(for: subject, code: form.code ?? "", on: database)
                try await event.create(on: database)
                return codes
            }
        } catch TwoStepError.noPendingEnrolment {
            return request.redirect(to: SitePath.withNext(SitePath.staffEnrolment.path, next: next), redirectType: .normal)
        } catch let error as TwoStepError where error == .codeMissing || error == .codeInvalid {
            try await request.audit(.staffSecondFactorFailed, staffID: staffID, email: member.email, details: "set-up")
            let key = error == .codeMissing ? "second_factor.error.missing" : "staff.enrol.error.invalid"
            return try await renderEnrolment(request, member: member, next: next, error: request.localized(key), status: .unprocessableEntity)
        }
        try await Throttle(database: request.db).reset(throttleKey(request, staffID: staffID))

        // Logged in now; the codes are shown this once, on the page that carries the new cookie.
        let response = Response(status: .ok)
        try await complete(request, member: member, method: "authenticator app (set up)", on: response)
        let context = StaffBackupCodesPageContext(
            layout: LayoutContext(request: request, titleKey: "staff.backup_codes.title"),
            codes: codes, continuePath: next ?? SitePath.staffArea.path
        )
        let page = try await request.renderPage("Staff/backup-codes", context)
        page.cookies = response.cookies
        return page
    }

    // MARK: Helpers

    /// The last step: a full staff session (replacing the pending one), the device cookie, the audit event.
    private func complete(_ request: Request, member: StaffMember, method: String, on response: Response) async throws {
        let staffID = try member.requireID()
        try await SessionManager(request: request).start(for: member, strength: .secondFactor, isSecondFactorPending: false, on: response)
        request.rememberDevice(for: staffID, on: response)
        try await request.audit(.staffLoginSucceeded, staffID: staffID, email: member.email, details: method)
    }

    private func throttleKey(_ request: Request, staffID: UUID) -> String {
        Self.throttleKey(staffID: staffID, device: request.deviceCookie(for: staffID))
    }

    /// Counts a code attempt before it is checked; a localized refusal when the member (or this
    /// device) has to wait.
    private func reserveAttempt(_ request: Request, member: StaffMember) async throws -> (message: String, retryAfter: TimeInterval)? {
        let staffID = try member.requireID()
        let throttle = Throttle(database: request.db)
        guard case .refused(let retryAfter) = try await throttle.reserve(throttleKey(request, staffID: staffID), policy: Self.policy, now: request.portier.clock.now()) else {
            return nil
        }
        try await request.audit(.staffSecondFactorThrottled, staffID: staffID, email: member.email)
        let minutes = String(max(1, Int((retryAfter / 60).rounded(.up))))
        return (request.localized("second_factor.error.throttled", minutes), retryAfter)
    }

    /// The staff member whose session waits for its second factor, unless they were disabled meanwhile.
    private func pendingMember(_ request: Request) async throws -> StaffMember? {
        guard let pending = request.auth.get(PendingSecondFactor.self), pending.session.subjectKind == .staff,
              let staffID = pending.session.staffID,
              let member = try await StaffMember.find(staffID, on: request.db), !member.isDisabled else { return nil }
        return member
    }

    /// Logged in already: on to the staff area; else (the five minutes are over) the staff login page.
    private func notPending(_ request: Request, next: String?) -> Response {
        if request.auth.has(AuthenticatedStaff.self) {
            return request.redirect(to: next ?? SitePath.staffArea.path)
        }
        let notice: LoginNotice? = request.endedSession == .expired ? .sessionExpired : nil
        return request.redirect(to: SitePath.staffLogin(next: next, notice: notice))
    }

    private func renderCode(_ request: Request, next: String?, error: String?, status: HTTPStatus = .ok, retryAfter: TimeInterval? = nil) async throws -> Response {
        let context = StaffSecondFactorPageContext(layout: LayoutContext(request: request, titleKey: "staff.second_factor.title"), next: next, error: error)
        let response = try await request.renderPage("Staff/second-factor", context, status: status)
        if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up)))) }
        return response
    }

    /// The set-up page; the secret is made at the first visit and kept until confirmed.
    private func renderEnrolment(_ request: Request, member: StaffMember, next: String?, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let subject = SecondFactorSubject.staff(try member.requireID())
        let service = request.twoStep
        let enrolment: TwoStepService.Enrolment
        if let pending = try await service.pendingEnrolment(for: subject, on: request.db) {
            enrolment = pending
        } else {
            do {
                enrolment = try await service.beginEnrolment(for: subject, on: request.db)
            } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
                // Another tab began the set-up at the same moment: show that one.
                guard let pending = try await service.pendingEnrolment(for: subject, on: request.db) else { throw error }
                enrolment = pending
            }
        }
        let context = StaffEnrolmentPageContext(
            layout: LayoutContext(request: request, titleKey: "staff.enrol.title"),
            enrolment: try TwoStepEnrolmentView(enrolment, account: member.email, request: request),
            next: next, error: error
        )
        return try await request.renderPage("Staff/enrol", context, status: status)
    }
}
