import Fluent
import Vapor

/// The actions on a customer's page: edit the contact details, send a password-reset link, end
/// every session, disable or enable the login, turn two-step verification off. Each writes its
/// change and its audit event (naming the staff member) in one transaction, then returns to the
/// page with a notice.
extension StaffCustomersController {
    @Sendable
    func saveContactDetails(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let form = try request.content.decode(ContactDetailsController.DetailsForm.self)
        let input = ContactDetailsValidator.Input(
            name: form.name ?? "", identityNumber: form.identity_number ?? "", streetAddress: form.street_address ?? "",
            postalCode: form.postal_code ?? "", city: form.city ?? "", countryCode: form.country ?? "", phone: form.phone ?? ""
        )
        switch ContactDetailsValidator.validate(input) {
        case .failure(let problems):
            let message = { (field: ContactDetailsValidator.Field) in problems.byField[field]?.message(for: request) }
            let errors = ContactDetailsContext.DetailErrors(
                name: message(.name), identityNumber: message(.identityNumber), streetAddress: message(.streetAddress),
                postalCode: message(.postalCode), city: message(.city), country: message(.countryCode), phone: message(.phone)
            )
            return try await render(request, customer: customer, details: input, detailErrors: errors, status: .unprocessableEntity)
        case .success(let details):
            try await AccountSettings(request: request).updateContactDetails(details, of: customer)
            return redirect(request, .detailsSaved, customer)
        }
    }

    @Sendable
    func sendPasswordReset(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let customerID = try customer.requireID()
        guard !customer.isLoginDisabled else {
            try await request.audit(.passwordResetRefusedDisabled, customerID: customerID, email: customer.email, details: "staff")
            return redirect(request, .resetRefusedDisabled, customer)
        }
        let services = request.portier
        let mails = RecoveryMails(catalogs: request.application.catalogs, configuration: services.configuration)
        let hasTwoStep = try await request.twoStep.isEnabled(for: .customer(customerID), on: request.db)
        let event = auditEvent(request, .staffPasswordResetSent, customer: customer)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            let issuer = ResetLinkIssuer(services: services)
            let token = try await issuer.issue(for: customerID, purpose: .reset, on: database)
            let mail = try mails.resetLink(to: customer, link: issuer.link(for: token), validFor: services.configuration.resetTokenLifetime, hasTwoStep: hasTwoStep)
            try await Outbox.enqueue(mail, on: database, now: services.clock.now())
            try await event.create(on: database)
        }
        return redirect(request, .resetSent, customer)
    }

    @Sendable
    func endSessions(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let customerID = try customer.requireID()
        let event = auditEvent(request, .staffSessionsEnded, customer: customer)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await AuthSession.endAll(ofCustomer: customerID, on: database)
            try await event.create(on: database)
        }
        return redirect(request, .sessionsEnded, customer)
    }

    /// Disabling ends every session and voids every reset link: the customer is out at once.
    @Sendable
    func disableLogin(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let customerID = try customer.requireID()
        let now = request.portier.clock.now()
        let event = auditEvent(request, .loginDisabled, customer: customer)
        customer.isLoginDisabled = true
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await customer.update(on: database)
            try await AuthSession.endAll(ofCustomer: customerID, on: database)
            try await PasswordResetToken.revokeAll(of: customerID, at: now, on: database)
            try await event.create(on: database)
        }
        return redirect(request, .loginDisabled, customer)
    }

    @Sendable
    func enableLogin(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let event = auditEvent(request, .loginEnabled, customer: customer)
        customer.isLoginDisabled = false
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await customer.update(on: database)
            try await event.create(on: database)
        }
        return redirect(request, .loginEnabled, customer)
    }

    /// For a customer who lost both phone and backup codes (issue 11): the secret and the codes
    /// are deleted, and the customer gets the same mail as after turning it off themselves.
    @Sendable
    func disableTwoStep(request: Request) async throws -> Response {
        let customer = try await requireCustomer(request)
        let customerID = try customer.requireID()
        let service = request.twoStep
        guard try await service.isEnabled(for: .customer(customerID), on: request.db) else {
            return redirect(request, .twoStepNotEnabled, customer)
        }
        let now = request.portier.clock.now()
        let mail = try SecurityMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
            .twoStepDisabled(for: customer, at: now)
        let event = auditEvent(request, .twoStepDisabled, customer: customer, details: "staff")
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await service.disable(for: .customer(customerID), on: database)
            try await Outbox.enqueue(mail, on: database, now: now)
            try await event.create(on: database)
        }
        return redirect(request, .twoStepDisabled, customer)
    }

    // MARK: Helpers

    func redirect(_ request: Request, _ notice: StaffCustomerNotice, _ customer: Customer) -> Response {
        request.redirect(to: customer.id.map(notice.path) ?? SitePath.staffCustomers.path, redirectType: .normal)
    }

    /// An audit event of this request's staff member about `customer`, to write in a transaction.
    func auditEvent(_ request: Request, _ kind: AuditEvent.Kind, customer: Customer, details: String? = nil) -> AuditEvent {
        AuditEvent(
            kind: kind, occurredAt: request.portier.clock.now(), customerID: customer.id, staffID: request.actingStaffID,
            email: customer.email, ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent), details: details
        )
    }
}
