import Fluent
import PortierWebAuthn
import Vapor

/// A staff member's passkeys on Mitt konto (`/personal/mitt-konto#losennycklar`), with the
/// customers' rules: adding (two JSON calls around the browser's dialog) needs a login of the
/// last ten minutes or the password again; removing needs the password; each change is
/// audited with the staff member as actor. Only a full staff session gets here (`StaffGuard`),
/// so the second factor is set up before the first key can be added. No mail: the key is the
/// staff member's own, and the audit log records it.
struct StaffPasskeysController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let back: @Sendable (Request) -> String = { _ in SitePath.staffAccount.path }
        routes.post(SitePath.staffPasskeyOptions.pathComponents, use: registrationOptions).returning(to: "staff-account", back)
        routes.post(SitePath.staffPasskeys.pathComponents, use: register).returning(to: "staff-account", back)
        routes.post(SiteURL.staffPasskey(.key, .rename).pathComponents, use: rename).returning(to: "staff-account", back)
        routes.post(SiteURL.staffPasskey(.key, .remove).pathComponents, use: remove).returning(to: "staff-account", back)
    }

    // MARK: Adding

    @Sendable
    func registrationOptions(request: Request) async throws -> Response {
        let staff = try request.auth.require(AuthenticatedStaff.self)
        let member = staff.staff
        do {
            let form = try request.passkeyForm(PasskeyOptionsForm.self)
            _ = try PasskeyService.validatedName(form.name)
            if !PasskeysController.isFresh(staff.session, now: request.portier.clock.now()) {
                do {
                    try await StaffAccountSettings(request: request).verifyCurrentPassword(form.current_password ?? "", of: member)
                } catch let error as CustomerAreaError {
                    let status: HTTPStatus = if case .currentPasswordThrottled = error { .tooManyRequests } else { .forbidden }
                    let message = error == .currentPasswordMissing ? request.localized(PasskeyError.freshLoginRequired.catalogKey) : error.message(for: request)
                    return try request.passkeyJSON(PasskeyAnswer(error: message, needsPassword: true), status: status)
                }
            }
            let options = try await request.passkeys.registrationOptions(for: try .init(staff: member), on: request.db)
            return try request.passkeyJSON(options)
        } catch let error as PasskeyError {
            return try request.passkeyRefusal(error.catalogKey, status: error == .malformedRequest ? .badRequest : .unprocessableEntity)
        }
    }

    @Sendable
    func register(request: Request) async throws -> Response {
        let member = try request.staffMember
        let staffID = try member.requireID()
        do {
            let form = try request.passkeyForm(PasskeyRegistrationForm.self)
            let name = try PasskeyService.validatedName(form.name)
            guard let credential = form.credential else { throw PasskeyError.malformedRequest }
            let key = try await request.passkeys.verifyRegistration(credential, name: name, for: .staff(staffID), on: request.db)
            let event = auditEvent(request, .staffPasskeyAdded, member: member, details: name)
            try await request.passkeys.store(key, on: request.db) { database in
                try await event.create(on: database)
            }
            return try request.passkeyJSON(PasskeyAnswer(redirect: StaffAccountNotice.passkeyAdded.path))
        } catch let error as PasskeyError {
            request.logger.notice("staff passkey registration refused", metadata: ["reason": .string(error.reason)])
            return try request.passkeyRefusal(error.catalogKey, status: error == .malformedRequest ? .badRequest : .unprocessableEntity)
        }
    }

    // MARK: Renaming and removing

    @Sendable
    func rename(request: Request) async throws -> Response {
        let member = try request.staffMember
        let key = try await ownKey(request, member)
        let keyID = try key.requireID()
        let form = try request.content.decode(PasskeyChangeForm.self)
        let name: String
        do {
            name = try PasskeyService.validatedName(form.name)
        } catch let error as PasskeyError {
            let problem = PasskeyFormError(keyID: keyID, rename: request.localized(error.catalogKey))
            return try await StaffAccountController().render(request, passkeyError: problem, status: .unprocessableEntity)
        }
        let event = auditEvent(request, .staffPasskeyRenamed, member: member, details: key.name + " → " + name)
        key.name = name
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await key.update(on: database)
            try await event.create(on: database)
        }
        return request.redirect(to: StaffAccountNotice.passkeyRenamed.path, redirectType: .normal)
    }

    @Sendable
    func remove(request: Request) async throws -> Response {
        let member = try request.staffMember
        let key = try await ownKey(request, member)
        let keyID = try key.requireID()
        let form = try request.content.decode(PasskeyChangeForm.self)
        do {
            try await StaffAccountSettings(request: request).verifyCurrentPassword(form.current_password ?? "", of: member)
        } catch let error as CustomerAreaError {
            let problem = PasskeyFormError(keyID: keyID, remove: error.message(for: request))
            let status: HTTPStatus = if case .currentPasswordThrottled = error { .tooManyRequests } else { .unprocessableEntity }
            return try await StaffAccountController().render(request, passkeyError: problem, status: status)
        }
        let event = auditEvent(request, .staffPasskeyRemoved, member: member, details: key.name)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await key.delete(on: database)
            try await event.create(on: database)
        }
        return request.redirect(to: StaffAccountNotice.passkeyRemoved.path, redirectType: .normal)
    }

    /// The `:id` key of the logged-in staff member; any other id (a colleague's, a customer's) is a 404.
    private func ownKey(_ request: Request, _ member: StaffMember) async throws -> PasskeyCredential {
        guard let id = request.parameters.uuid(.id) else { throw Abort(.notFound) }
        do {
            return try await request.passkeys.key(id, of: .staff(try member.requireID()), on: request.db)
        } catch PasskeyError.notFound {
            throw Abort(.notFound)
        }
    }

    private func auditEvent(_ request: Request, _ kind: AuditEvent.Kind, member: StaffMember, details: String) -> AuditEvent {
        AuditEvent(kind: kind, occurredAt: request.portier.clock.now(), customerID: nil, staffID: member.id, email: member.email,
                   ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent), details: details)
    }
}

extension PasskeyService.Account {
    init(staff: StaffMember) throws {
        self.init(subject: .staff(try staff.requireID()), name: staff.email, displayName: staff.name)
    }
}
