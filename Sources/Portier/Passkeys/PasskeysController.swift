import Fluent
import PortierWebAuthn
import Vapor

/// Passkeys on Säkerhet (`/kundavdelning/sakerhet#losennycklar`): adding one (two JSON calls from
/// the page's script around the browser's dialog), renaming and removing (plain forms). Adding
/// needs a login of the last ten minutes or the password again; removing needs the password.
/// Every change is audited, and an added key is mailed, in the transaction that makes it.
struct PasskeysController: RouteCollection {
    /// A login younger than this may add a passkey without typing the password again.
    static let freshLoginWindow: TimeInterval = 10 * 60

    func boot(routes: any RoutesBuilder) throws {
        let back: @Sendable (Request) -> String = { _ in SitePath.security.path }
        routes.post(SitePath.passkeyOptions.pathComponents, use: registrationOptions).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SitePath.passkeys.pathComponents, use: register).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SiteURL.passkey(.key, .rename).pathComponents, use: rename).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SiteURL.passkey(.key, .remove).pathComponents, use: remove).returning(to: "security", back).refusedWhileImpersonating()
    }

    static func isFresh(_ session: AuthSession, now: Date) -> Bool {
        now.timeIntervalSince(session.createdAt) <= freshLoginWindow
    }

    // MARK: Adding

    @Sendable
    func registrationOptions(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        do {
            let form = try request.passkeyForm(PasskeyOptionsForm.self)
            _ = try PasskeyService.validatedName(form.name)
            if !Self.isFresh(authenticated.session, now: request.portier.clock.now()) {
                do {
                    try await AccountSettings(request: request).verifyCurrentPassword(form.current_password ?? "", of: customer)
                } catch let error as CustomerAreaError {
                    let status: HTTPStatus = if case .currentPasswordThrottled = error { .tooManyRequests } else { .forbidden }
                    let message = error == .currentPasswordMissing ? request.localized(PasskeyError.freshLoginRequired.catalogKey) : error.message(for: request)
                    return try request.passkeyJSON(PasskeyAnswer(error: message, needsPassword: true), status: status)
                }
            }
            let options = try await request.passkeys.registrationOptions(for: try .init(customer: customer), on: request.db)
            return try request.passkeyJSON(options)
        } catch let error as PasskeyError {
            return try request.passkeyRefusal(error.catalogKey, status: error == .malformedRequest ? .badRequest : .unprocessableEntity)
        }
    }

    @Sendable
    func register(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let subject = try SecondFactorSubject.customer(customer)
        do {
            let form = try request.passkeyForm(PasskeyRegistrationForm.self)
            let name = try PasskeyService.validatedName(form.name)
            guard let credential = form.credential else { throw PasskeyError.malformedRequest }
            let key = try await request.passkeys.verifyRegistration(credential, name: name, for: subject, on: request.db)

            let now = request.portier.clock.now()
            let mail = try PasskeyMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
                .added(for: customer, keyName: name, at: now)
            let event = SecurityController().auditEvent(request, .passkeyAdded, customer: customer, details: name)
            // The key limit is checked again here, with the insert (two tabs may have had options at 19 keys).
            try await request.passkeys.store(key, on: request.db) { database in
                try await Outbox.enqueue(mail, on: database, now: now)
                try await event.create(on: database)
            }
            return try request.passkeyJSON(PasskeyAnswer(redirect: SitePath.security.path(notice: AreaNotice.passkeyAdded, section: .passkeys)))
        } catch let error as PasskeyError {
            request.logger.notice("passkey registration refused", metadata: ["reason": .string(error.reason)])
            return try request.passkeyRefusal(error.catalogKey, status: error == .malformedRequest ? .badRequest : .unprocessableEntity)
        }
    }

    // MARK: Renaming and removing

    @Sendable
    func rename(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let key = try await ownKey(request, customer)
        let keyID = try key.requireID()
        let form = try request.content.decode(PasskeyChangeForm.self)
        let name: String
        do {
            name = try PasskeyService.validatedName(form.name)
        } catch let error as PasskeyError {
            let problem = PasskeyFormError(keyID: keyID, rename: request.localized(error.catalogKey))
            return try await SecurityController().render(request, authenticated, passkeyError: problem, status: .unprocessableEntity)
        }
        let event = SecurityController().auditEvent(request, .passkeyRenamed, customer: customer, details: key.name + " → " + name)
        key.name = name
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await key.update(on: database)
            try await event.create(on: database)
        }
        return request.redirect(to: SitePath.security.path(notice: AreaNotice.passkeyRenamed, section: .passkeys), redirectType: .normal)
    }

    @Sendable
    func remove(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let key = try await ownKey(request, customer)
        let keyID = try key.requireID()
        let form = try request.content.decode(PasskeyChangeForm.self)
        do {
            try await AccountSettings(request: request).verifyCurrentPassword(form.current_password ?? "", of: customer)
        } catch let error as CustomerAreaError {
            let problem = PasskeyFormError(keyID: keyID, remove: error.message(for: request))
            let status: HTTPStatus = if case .currentPasswordThrottled = error { .tooManyRequests } else { .unprocessableEntity }
            return try await SecurityController().render(request, authenticated, passkeyError: problem, status: status)
        }
        let event = SecurityController().auditEvent(request, .passkeyRemoved, customer: customer, details: key.name)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await key.delete(on: database)
            try await event.create(on: database)
        }
        return request.redirect(to: SitePath.security.path(notice: AreaNotice.passkeyRemoved, section: .passkeys), redirectType: .normal)
    }

    /// The `:id` key of the logged-in customer; any other id is a 404.
    private func ownKey(_ request: Request, _ customer: Customer) async throws -> PasskeyCredential {
        let id = try request.areaID()
        do {
            return try await request.passkeys.key(id, of: try .customer(customer), on: request.db)
        } catch PasskeyError.notFound {
            throw CustomerAreaError.notFound
        }
    }
}

/// A problem with one key's rename or remove form, shown next to it.
struct PasskeyFormError {
    let keyID: UUID
    var rename: String?
    var remove: String?
}
