import Fluent
import Vapor

/// Säkerhet in Kundavdelningen (`/kundavdelning/sakerhet`): two-step verification and its
/// backup codes (`+TwoStep`), passkeys (`PasskeysController`), the logged-in devices (`+Sessions`) and the last 90 days of
/// security events. Every form works without JavaScript.
struct SecurityController: RouteCollection {
    static let eventsPerPage = 20
    static let eventsWindow: TimeInterval = 90 * 24 * 60 * 60
    /// Wrong codes when turning two-step off or making new backup codes: as for passwords.
    static let changeCodePolicy = AccountSettings.currentPasswordPolicy

    /// The audit events a customer sees, newest first.
    static let shownEventKinds: [AuditEvent.Kind] = [
        .loginSucceeded, .loginFailed, .loginThrottled, .secondFactorRequired, .secondFactorFailed, .secondFactorThrottled,
        .passwordChanged, .passwordResetCompleted, .emailChangeRequested, .emailChangeCompleted,
        .twoStepEnabled, .twoStepDisabled, .backupCodesReplaced, .backupCodeUsed, .sessionEnded, .otherSessionsEnded,
        .impersonationStarted, .loginDisabled, .loginEnabled, .staffPasswordResetSent, .staffSessionsEnded,
        .passkeyAdded, .passkeyRenamed, .passkeyRemoved, .passkeyUsed, .passkeyRefused, .passkeyCounterRefused,
    ]

    func boot(routes: any RoutesBuilder) throws {
        let back: @Sendable (Request) -> String = { _ in SitePath.security.path }
        routes.get(SitePath.security.pathComponents, use: show)
        routes.post(SitePath.twoStepStart.pathComponents, use: startEnrolment).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SitePath.twoStepConfirm.pathComponents, use: confirmEnrolment).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SitePath.twoStepDisable.pathComponents, use: disable).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SitePath.backupCodes.pathComponents, use: replaceBackupCodes).returning(to: "security", back).refusedWhileImpersonating()
        routes.post(SitePath.backupCodesDownload.pathComponents, use: downloadBackupCodes).returning(to: "security", back)
        routes.post(SitePath.endOtherSessions.pathComponents, use: endOtherSessions).returning(to: "security", back)
        routes.post(SiteURL.endSession(.key).pathComponents, use: endSession).returning(to: "security", back)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let authenticated = try request.auth.require(AuthenticatedCustomer.self)
        let page = max(1, min(request.query[Int.self, at: "sida"] ?? 1, 10_000))
        return try await render(request, authenticated, notice: AreaNotice.from(request), eventsPage: page)
    }

    // MARK: Rendering

    func render(
        _ request: Request, _ authenticated: AuthenticatedCustomer, notice: AreaNotice? = nil,
        newBackupCodes: [String]? = nil, confirmError: String? = nil,
        disableErrors: SecurityPageContext.FormErrors = .init(), backupCodesErrors: SecurityPageContext.FormErrors = .init(),
        passkeyError: PasskeyFormError? = nil, eventsPage: Int = 1, status: HTTPStatus = .ok
    ) async throws -> Response {
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let subject = SecondFactorSubject.customer(customerID)
        let service = request.twoStep
        let format = AreaFormatter(request: request)
        let isEnabled = try await service.isEnabled(for: subject, on: request.db)
        let enrolment = isEnabled ? nil : try await service.pendingEnrolment(for: subject, on: request.db)

        var twoStep = SecurityPageContext.TwoStepSection(
            isEnabled: isEnabled,
            enrolment: try enrolment.map { try TwoStepEnrolmentView($0, account: customer.email, request: request) },
            remainingBackupCodes: isEnabled ? try await service.remainingBackupCodes(for: subject, on: request.db) : 0,
            newBackupCodes: newBackupCodes
        )
        twoStep.confirmError = confirmError
        twoStep.disableErrors = disableErrors
        twoStep.backupCodesErrors = backupCodesErrors

        let sessions = try await sessionViews(request, customerID: customerID, current: authenticated.session, format: format)
        let (events, hasMore) = try await eventViews(request, customerID: customerID, page: eventsPage, format: format)
        let context = SecurityPageContext(
            layout: LayoutContext(request: request, titleKey: "security.title"),
            notice: notice.map { format.text($0.catalogKey) },
            twoStep: twoStep,
            passkeys: try await PasskeySection.make(request, authenticated, format: format, error: passkeyError),
            sessions: sessions,
            hasOtherSessions: sessions.contains { !$0.isCurrent },
            events: events,
            eventsPage: .init(
                page: eventsPage,
                previousPath: eventsPage > 1 ? SitePath.securityEvents(page: eventsPage - 1) : nil,
                nextPath: hasMore ? SitePath.securityEvents(page: eventsPage + 1) : nil
            )
        )
        return try await request.renderPage("TwoStep/security", context, status: status)
    }

    private func sessionViews(_ request: Request, customerID: UUID, current: AuthSession, format: AreaFormatter) async throws -> [SecurityPageContext.SessionView] {
        let now = request.portier.clock.now()
        let rows = try await AuthSession.query(on: request.db)
            .filter(\.$customer.$id == customerID)
            .filter(\.$subjectKind == .customer)
            .filter(\.$secondFactorDueAt == nil)
            .sort(\.$lastSeenAt, .descending)
            .all()
        let catalogs = request.application.catalogs
        return try rows.filter { !$0.isExpired(at: now) }.map { session in
            let id = try session.requireID()
            return .init(
                id: id.uuidString.lowercased(),
                device: DeviceLabel(userAgent: session.userAgent).text(for: format.language, catalogs: catalogs),
                address: session.ipAddress ?? format.text("device.unknown_address"),
                started: DateTimeView(session.createdAt, format),
                lastActivity: DateTimeView(session.lastSeenAt, format),
                isCurrent: id == current.id,
                endPath: SiteURL.endSession(.value(id)).path
            )
        }
    }

    private func eventViews(_ request: Request, customerID: UUID, page: Int, format: AreaFormatter) async throws -> ([SecurityPageContext.EventView], Bool) {
        let since = request.portier.clock.now().addingTimeInterval(-Self.eventsWindow)
        let rows = try await AuditEvent.query(on: request.db)
            .filter(\.$customerID == customerID)
            .filter(\.$occurredAt >= since)
            .filter(\.$kind ~~ Self.shownEventKinds.map(\.rawValue))
            .sort(\.$occurredAt, .descending)
            .offset((page - 1) * Self.eventsPerPage)
            .limit(Self.eventsPerPage + 1)
            .all()
        let catalogs = request.application.catalogs
        // Staff logins to the account name the staff member and their reason.
        let staffIDs = rows.filter { $0.kind == AuditEvent.Kind.impersonationStarted.rawValue }.compactMap(\.staffID)
        var staffNames: [UUID: String] = [:]
        if !staffIDs.isEmpty {
            for staff in try await StaffMember.query(on: request.db).filter(\.$id ~~ staffIDs).all() {
                if let id = staff.id { staffNames[id] = staff.name }
            }
        }
        let views = rows.prefix(Self.eventsPerPage).map { event in
            SecurityPageContext.EventView(
                label: event.kind == AuditEvent.Kind.impersonationStarted.rawValue
                    ? format.text("staff.customers.customer_event.impersonation", event.staffID.flatMap { staffNames[$0] } ?? "?", event.details ?? "")
                    : format.text(catalogs.strings[.swedish]?["security.event." + event.kind] != nil
                                  ? "security.event." + event.kind : "staff.customers.customer_event." + event.kind),
                device: DeviceLabel(userAgent: event.userAgent).text(for: format.language, catalogs: catalogs),
                address: event.ipAddress ?? format.text("device.unknown_address"),
                occurred: DateTimeView(event.occurredAt, format)
            )
        }
        return (Array(views), rows.count > Self.eventsPerPage)
    }
}
