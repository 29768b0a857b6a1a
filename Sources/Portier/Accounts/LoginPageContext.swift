import Vapor

struct LoginPageContext: PageContext {
    let layout: LayoutContext
    let email: String
    let next: String?
    /// A localized error for the form, shown in an alert above it.
    let error: String?
    /// A localized notice (e.g. "your password was changed").
    let notice: String?
}

/// The login form as posted.
struct LoginForm: Content {
    var email: String?
    var password: String?
    var next: String?
}

/// Notices the login page may show, chosen by `?notice=` so a redirect can carry them.
enum LoginNotice: String {
    case passwordChanged = "password-changed"
    case loggedOut = "logged-out"
    case sessionExpired = "session-expired"

    var catalogKey: String { "login.notice." + rawValue }
}
