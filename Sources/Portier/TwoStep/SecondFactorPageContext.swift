import Vapor

/// `/logga-in/kod`: the code (or a backup code) after the right password.
struct SecondFactorPageContext: PageContext {
    let layout: LayoutContext
    let next: String?
    let error: String?
    let rememberDays = Int(RememberedDeviceCookie.lifetime / 86400)
}

struct SecondFactorForm: Content {
    var code: String?
    var remember: String?
    var next: String?
}
