import Vapor

/// Cookie names and flags in one place (DESIGN § 4): `HttpOnly; SameSite=Lax; Path=/`, and
/// `Secure` with the `__Host-` prefix when the base URL is https.
struct CookieNames {
    let isSecure: Bool

    init(_ request: Request) {
        isSecure = request.portier.configuration.usesSecureCookies
    }

    init(isSecure: Bool) {
        self.isSecure = isSecure
    }

    var session: String { prefixed("portier_session") }
    var staffSession: String { prefixed("portier_staff_session") }
    var csrf: String { prefixed("portier_csrf") }
    var device: String { prefixed(DeviceCookie.baseName) }
    var rememberedDevice: String { prefixed(RememberedDeviceCookie.baseName) }
    /// A visitor's chat token (24 hours): a reload resumes the chat.
    var chat: String { prefixed("portier_chat") }

    func makeCookie(value: String, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: maxAge, path: "/", isSecure: isSecure, isHTTPOnly: true, sameSite: .lax)
    }

    var expired: HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: isSecure, isHTTPOnly: true, sameSite: .lax)
    }

    private func prefixed(_ name: String) -> String {
        isSecure ? "__Host-" + name : name
    }
}
