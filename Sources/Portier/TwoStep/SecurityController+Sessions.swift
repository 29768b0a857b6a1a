import Fluent
import Vapor

/// "Inloggade enheter": end one session, or every session but this one. An ended session's
/// row is deleted, so its browser is logged out at its next request.
extension SecurityController {
    @Sendable
    func endSession(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let sessionID = try request.areaID()
        guard let session = try await AuthSession.query(on: request.db)
            .filter(\.$id == sessionID)
            .filter(\.$customer.$id == customerID)
            .first() else {
            // Ended already (or not this customer's): the list shows what is left.
            return request.redirect(to: SitePath.security.path(section: .devices), redirectType: .normal)
        }
        let device = DeviceLabel(userAgent: session.userAgent).text(for: .english, catalogs: request.application.catalogs)
        let event = auditEvent(request, .sessionEnded, customer: customer, details: [device, session.ipAddress].compactMap { $0 }.joined(separator: ", "))
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await AuthSession.query(on: database).filter(\.$id == sessionID).delete()
            try await event.create(on: database)
        }
        if sessionID == authenticated.session.id {
            let manager = SessionManager(request: request)
            let response = request.redirect(to: SitePath.login.path(notice: LoginNotice.loggedOut), redirectType: .normal)
            manager.clearCookie(on: response)
            return response
        }
        return request.redirect(to: SitePath.security.path(notice: AreaNotice.sessionEnded, section: .devices), redirectType: .normal)
    }

    @Sendable
    func endOtherSessions(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let currentID = try authenticated.session.requireID()
        let event = auditEvent(request, .otherSessionsEnded, customer: customer)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await AuthSession.endAll(ofCustomer: customerID, except: currentID, on: database)
            try await event.create(on: database)
        }
        return request.redirect(to: SitePath.security.path(notice: AreaNotice.otherSessionsEnded, section: .devices), redirectType: .normal)
    }
}
