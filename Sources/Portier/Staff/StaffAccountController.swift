import Fluent
import Vapor

/// Mitt konto (`/personal/mitt-konto`, every staff member): name and e-mail address, changing
/// the password (the current one required, the customers' rules), and the "Lösennycklar"
/// section (`StaffPasskeysController` handles its forms).
struct StaffAccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let back: @Sendable (Request) -> String = { _ in SitePath.staffAccount.path }
        routes.get(SitePath.staffAccount.pathComponents, use: show)
        routes.post(SitePath.staffChangePassword.pathComponents, use: changePassword).returning(to: "staff-account", back)
    }

    @Sendable
    func show(request: Request) async throws -> Response {
        let notice = request.query[String.self, at: "notice"].flatMap(StaffAccountNotice.init(rawValue:))
        return try await render(request, notice: notice)
    }

    struct PasswordForm: Content {
        var current_password: String?
        var new_password: String?
        var new_password_confirmation: String?
    }

    @Sendable
    func changePassword(request: Request) async throws -> Response {
        let staff = try request.auth.require(AuthenticatedStaff.self)
        let form = try request.content.decode(PasswordForm.self)
        do {
            try await StaffAccountSettings(request: request).changePassword(
                for: staff, currentPassword: form.current_password ?? "",
                newPassword: form.new_password ?? "", confirmation: form.new_password_confirmation ?? ""
            )
        } catch let problems as FormProblems<AccountSettings.PasswordField> {
            var password = ContactDetailsContext.PasswordSection()
            password.currentPasswordError = problems.byField[.currentPassword]?.message(for: request)
            if case .passwordRejected(let rules) = problems.byField[.newPassword] {
                password.newPasswordErrors = rules.map { request.localized($0.rawValue) }
            }
            let isThrottled = problems.byField[.currentPassword].map { if case .currentPasswordThrottled = $0 { true } else { false } } == true
            return try await render(request, password: password, status: isThrottled ? .tooManyRequests : .unprocessableEntity)
        }
        return request.redirect(to: StaffAccountNotice.passwordChanged.path, redirectType: .normal)
    }

    /// The page, with a problem in the password form or one key's form when there is one.
    func render(
        _ request: Request, notice: StaffAccountNotice? = nil, password: ContactDetailsContext.PasswordSection = .init(),
        passkeyError: PasskeyFormError? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let staff = try request.auth.require(AuthenticatedStaff.self)
        let member = staff.staff
        let format = AreaFormatter(request: request)
        let context = StaffAccountPageContext(
            layout: LayoutContext(request: request, titleKey: StaffSection.account.titleKey),
            staffNavigation: try request.staffNavigation(.account),
            name: member.name,
            email: member.email,
            roleKey: "staff.role." + member.role.rawValue,
            notice: notice.map { request.localized($0.catalogKey) },
            password: password,
            passkeys: try await PasskeySection.make(
                request, subject: .staff(try member.requireID()), session: staff.session, paths: .staff, format: format, error: passkeyError
            )
        )
        return try await request.renderPage("Staff/account", context, status: status)
    }
}

struct StaffAccountPageContext: StaffPageContext {
    let layout: LayoutContext
    let staffNavigation: StaffNavigation
    let name: String
    let email: String
    let roleKey: String
    let notice: String?
    let password: ContactDetailsContext.PasswordSection
    let passkeys: PasskeySection
    let minimumPasswordLength = PasswordPolicy.minimumLength
}

/// What Mitt konto says after a change (`?notice=`).
enum StaffAccountNotice: String {
    case passwordChanged = "password-changed"
    case passkeyAdded = "passkey-added"
    case passkeyRenamed = "passkey-renamed"
    case passkeyRemoved = "passkey-removed"

    var catalogKey: String { "staff.account.notice." + rawValue.replacingOccurrences(of: "-", with: "_") }
    /// Mitt konto with this notice (the passkey ones at the "Lösennycklar" section).
    var path: String {
        self == .passwordChanged ? SitePath.staffAccount.path(notice: self) : SitePath.staffAccount.path(notice: self, section: .passkeys)
    }
}
