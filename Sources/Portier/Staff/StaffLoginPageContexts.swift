import Vapor

/// `/personal/logga-in`.
struct StaffLoginPageContext: PageContext {
    let layout: LayoutContext
    let email: String
    let next: String?
    let error: String?
    let notice: String?
}

/// `/personal/logga-in/kod`: a code from the app or a backup code.
struct StaffSecondFactorPageContext: PageContext {
    let layout: LayoutContext
    let next: String?
    let error: String?
}

/// `/personal/logga-in/aktivera`: the first login's authenticator set-up.
struct StaffEnrolmentPageContext: PageContext {
    let layout: LayoutContext
    let enrolment: TwoStepEnrolmentView
    let next: String?
    let error: String?
}

/// The ten backup codes right after the set-up, shown this once.
struct StaffBackupCodesPageContext: PageContext {
    let layout: LayoutContext
    let codes: [String]
    let continuePath: String
}

/// `/personal/losenord/<token>`: a new staff member chooses their password.
struct StaffSetPasswordPageContext: PageContext {
    let layout: LayoutContext
    let name: String
    let email: String
    let formPath: String
    let problems: [String]
    let minimumLength = PasswordPolicy.minimumLength
}

struct StaffCodeForm: Content {
    var code: String?
    var next: String?
}

struct StaffSetPasswordForm: Content {
    var password: String?
    var password_confirmation: String?
}
