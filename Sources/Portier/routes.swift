import Vapor

/// Every route of Portier, grouped by feature. Paths live in `SitePath`.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController())
    try app.register(collection: SiteController())
    try app.register(collection: LoginController())
    try app.register(collection: SecondFactorController())
    // Personal: the staff login steps and the set-password link are open; everything else is
    // behind StaffGuard (StaffAccessTests walks every route).
    try app.register(collection: StaffLoginController())
    try app.register(collection: StaffSecondFactorController())
    try app.register(collection: StaffPasswordController())
    try app.register(collection: PasskeyLoginController())
    try app.register(collection: StaffPasskeyLoginController())
    try app.register(collection: RecoveryController())
    try app.register(collection: HelpCenterController())
    try app.register(collection: EmailConfirmationController())
    // The chat: open to everyone; the socket checks Origin and who holds which chat itself.
    try app.register(collection: ChatController())
    // Kundavdelningen: only for a logged-in customer (CustomerAreaAccessTests walks every route).
    // While a staff member is logged in as the customer, credential changes are refused.
    let customerArea = app.grouped(CustomerGuard(), ImpersonationGuard())
    try customerArea.register(collection: DashboardController())
    try customerArea.register(collection: ServicesController())
    try customerArea.register(collection: InvoicesController())
    try customerArea.register(collection: TicketsController())
    try customerArea.register(collection: PastChatsController())
    try customerArea.register(collection: ContactDetailsController())
    try customerArea.register(collection: SecurityController())
    try customerArea.register(collection: ImpersonationEndController())
    try customerArea.register(collection: PasskeysController())
    // Personal: staff members only, each section behind the role `StaffSection` names
    // (StaffAccessTests walks every route × every role).
    let staffArea = app.grouped(StaffGuard.anyStaffMember)
    try staffArea.register(collection: StaffHomeController())
    try staffArea.register(collection: StaffAccountController())
    try staffArea.register(collection: StaffPasskeysController())
    let adminArea = app.grouped(StaffGuard(role: .admin))
    try adminArea.register(collection: StaffMembersController())
    try adminArea.register(collection: AuditLogController())
    let support = app.grouped(StaffGuard(role: .support))
    try support.register(collection: StaffCustomersController())
    try support.register(collection: StaffTicketsController())
    try support.register(collection: StaffChatController())
    let editor = app.grouped(StaffGuard(role: .editor))
    try editor.register(collection: StaffGuidesController())
    try editor.register(collection: StaffFeedbackController())
}
