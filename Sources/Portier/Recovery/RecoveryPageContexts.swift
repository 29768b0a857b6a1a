import Vapor

struct ForgotPasswordContext: PageContext {
    let layout: LayoutContext
    let email: String
    /// A localized error for the form (unknown address, throttled, missing address).
    let error: String?
    /// Shown with the unknown-address error: the registered address is the one on the invoices.
    let showsInvoiceHint: Bool
}

struct ResetLinkSentContext: PageContext {
    let layout: LayoutContext
    let email: String
    /// Neutral mode: the page must read the same whether or not the address is registered.
    let isNeutral: Bool
}

struct ResetPasswordContext: PageContext {
    let layout: LayoutContext
    /// Where the form posts: this link's own page.
    let formPath: String
    let email: String
    let isInitialPassword: Bool
    let problems: [String]
    let minimumLength: Int
    /// Two-step verification is on: the page says the login afterwards still asks for a code.
    var hasTwoStep = false
}

struct InvalidResetLinkContext: PageContext {
    let layout: LayoutContext
}

struct ForgotPasswordForm: Content {
    var email: String?
}

struct ResetPasswordForm: Content {
    var password: String?
    var password_confirmation: String?
}
