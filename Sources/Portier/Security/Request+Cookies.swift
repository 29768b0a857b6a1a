import Vapor

extension Request {
    private struct ParsedCookiesKey: StorageKey { typealias Value = HTTPCookies }

    /// The request's cookies as Vapor's `HTTPCookies`, parsed once and kept in the request's
    /// storage: `request.cookies` parses the `Cookie` header again on every access, and the
    /// session, CSRF and language look-ups each ask on every request. A name sent twice counts
    /// with its last value (Vapor's rule).
    var parsedCookies: HTTPCookies {
        if let parsed = storage[ParsedCookiesKey.self] { return parsed }
        let parsed = headers.cookie ?? HTTPCookies()
        storage[ParsedCookiesKey.self] = parsed
        return parsed
    }

    /// The value of the request's cookie `name`; nil when it was not sent.
    func cookie(_ name: String) -> String? {
        parsedCookies[name]?.string
    }
}
