import Fluent
import Vapor

/// Turning two-step verification on (a code from the app confirms it), off, and new backup
/// codes. Off and new codes need the current password and a code; every change is mailed and
/// audited in the transaction that makes it.
extension SecurityController {
    /// "Slå på tvåstegsverifiering": a new secret, shown on the page until it is confirmed.
    @Sendable
    func startEnrolment(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        do {
            try await request.twoStep.beginEnrolment(for: try .customer(authenticated.customer), on: request.db)
        } catch TwoStepError.alreadyEnabled {
            // A second tab: it is on already, nothing to set up.
        }
        return request.redirect(to: SitePath.security.path(section: .twoStep), redirectType: .normal)
    }

    @Sendable
    func confirmEnrolment(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let code = try request.content.decode(SecurityCodeForm.self).code ?? ""
        let now = request.portier.clock.now()
        let service = request.twoStep
        let mail = try mails(request).twoStepEnabled(for: customer, at: now)
        let event = auditEvent(request, .twoStepEnabled, customer: customer)
        do {
            let codes = try await request.db.transactionTakingSQLiteWriteLock { database in
                let codes = try await service.confirmEnrolment(for: .customer(customerID), code: code, on: database)
                try await Outbox.enqueue(mail, on: database, now: now)
                try await event.create(on: database)
                return codes
            }
            return try await render(request, authenticated, notice: .twoStepEnabled, newBackupCodes: codes)
        } catch TwoStepError.noPendingEnrolment {
            return request.redirect(to: SitePath.security.path, redirectType: .normal)
        } catch let error as TwoStepError {
            let key = error == .codeMissing ? "security.error.code_missing" : "security.error.code_invalid"
            return try await render(request, authenticated, confirmError: request.localized(key), status: .unprocessableEntity)
        }
    }

    @Sendable
    func disable(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let form = try request.content.decode(SecurityChangeForm.self)
        let now = request.portier.clock.now()
        let service = request.twoStep
        let mail = try mails(request).twoStepDisabled(for: customer, at: now)
        let event = auditEvent(request, .twoStepDisabled, customer: customer)
        let errors = try await verifyChange(request, customer: customer, form: form) { database in
            try await service.disable(for: .customer(customerID), on: database)
            try await Outbox.enqueue(mail, on: database, now: now)
            try await event.create(on: database)
        }
        guard let errors else {
            return request.redirect(to: SitePath.security.path(notice: AreaNotice.twoStepDisabled), redirectType: .normal)
        }
        return try await render(request, authenticated, disableErrors: errors, status: errors.isThrottled ? .tooManyRequests : .unprocessableEntity)
    }

    @Sendable
    func replaceBackupCodes(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let form = try request.content.decode(SecurityChangeForm.self)
        let now = request.portier.clock.now()
        let service = request.twoStep
        let mail = try mails(request).backupCodesReplaced(for: customer, at: now)
        let event = auditEvent(request, .backupCodesReplaced, customer: customer)
        let codes = CodesBox()
        let errors = try await verifyChange(request, customer: customer, form: form) { database in
            codes.value = try await service.replaceBackupCodes(for: .customer(customerID), on: database)
            try await Outbox.enqueue(mail, on: database, now: now)
            try await event.create(on: database)
        }
        guard let errors else {
            guard !codes.value.isEmpty else { return request.redirect(to: SitePath.security.path, redirectType: .normal) }
            return try await render(request, authenticated, notice: .backupCodesReplaced, newBackupCodes: codes.value)
        }
        return try await render(request, authenticated, backupCodesErrors: errors, status: errors.isThrottled ? .tooManyRequests : .unprocessableEntity)
    }

    /// The set just shown, as `reservkoder.txt`. The codes come back from the page (they are
    /// stored only hashed) and are served only when each is an unused code of this customer.
    @Sendable
    func downloadBackupCodes(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let codes = try request.content.decode(BackupCodesDownloadForm.self).codes ?? []
        guard codes.count <= BackupCode.countPerSet,
              try await request.twoStep.areUnusedBackupCodes(codes, for: try .customer(customer), on: request.db) else {
            throw Abort(.notFound)
        }
        let lines = [
            request.localized("security.backup_codes.file_heading", request.localized("site.name"), customer.email),
            request.localized("security.backup_codes.file_hint"),
            "",
        ] + codes.map { "  " + $0 }
        let response = Response(status: .ok, body: .init(string: lines.joined(separator: "\r\n") + "\r\n"))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: #"attachment; filename="\#(request.localized("security.backup_codes.file_name"))""#)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: Helpers

    /// Checks the current password (throttled, as in Kontaktuppgifter), then a code (throttled
    /// too) within the transaction that runs `change`.
    /// - Returns: nil when the change was made, else the problems per field.
    private func verifyChange(
        _ request: Request, customer: Customer, form: SecurityChangeForm,
        change: @escaping @Sendable (any Database) async throws -> Void
    ) async throws -> SecurityPageContext.FormErrors? {
        var errors = SecurityPageContext.FormErrors()
        let code = form.code ?? ""
        if code.trimmingCharacters(in: .whitespaces).isEmpty { errors.code = request.localized("security.error.code_missing") }
        do {
            try await AccountSettings(request: request).verifyCurrentPassword(form.current_password ?? "", of: customer)
        } catch let error as CustomerAreaError {
            errors.currentPassword = error.message(for: request)
            if case .currentPasswordThrottled = error { errors.isThrottled = true }
        }
        guard !errors.hasErrors else { return errors }

        let customerID = try customer.requireID()
        let throttle = Throttle(database: request.db)
        let key = "two-step:change:" + customerID.uuidString.lowercased()
        let now = request.portier.clock.now()
        if case .refused(let retryAfter) = try await throttle.reserve(key, policy: Self.changeCodePolicy, now: now) {
            try await request.audit(.secondFactorThrottled, customerID: customerID, email: customer.email)
            errors.code = request.localized("security.error.code_throttled", String(max(1, Int((retryAfter / 60).rounded(.up)))))
            errors.isThrottled = true
            return errors
        }
        let service = request.twoStep
        do {
            try await request.db.transactionTakingSQLiteWriteLock { database in
                _ = try await service.verify(code, for: .customer(customerID), on: database)
                try await change(database)
            }
        } catch TwoStepError.codeInvalid, TwoStepError.codeMissing {
            try await request.audit(.secondFactorFailed, customerID: customerID, email: customer.email)
            errors.code = request.localized("security.error.code_invalid")
            return errors
        } catch TwoStepError.notEnabled {
            return nil
        }
        try await throttle.reset(key)
        return nil
    }

    private func mails(_ request: Request) -> SecurityMails {
        SecurityMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
    }

    func auditEvent(_ request: Request, _ kind: AuditEvent.Kind, customer: Customer, details: String? = nil) -> AuditEvent {
        AuditEvent(
            kind: kind, occurredAt: request.portier.clock.now(), customerID: customer.id, email: customer.email,
            ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent), details: details
        )
    }
}

/// Carries the codes made inside a transaction out of it.
private final class CodesBox: @unchecked Sendable {
    var value: [String] = []
}
