import Vapor

extension HTTPHeaders {
    /// The value of the cookie `name` in the `Cookie` header(s) (RFC 6265 § 5.4: `name=value`
    /// pairs separated by `; `, a value optionally in double quotes), the first one when a name
    /// repeats; nil when absent.
    ///
    /// Looks up one name without building Vapor's `HTTPCookies`, which parses every cookie again
    /// on each access of `request.cookies`: with the session and CSRF look-ups on every request
    /// that was a tenth of a page's CPU time (bench/guide-vs-static, perf).
    func cookieValue(named name: String) -> String? {
        let wanted = Array(name.utf8)
        for header in self[.cookie] {
            for pair in header.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true) {
                let trimmed = pair.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")),
                      trimmed[trimmed.startIndex..<equals].elementsEqual(wanted) else { continue }
                var value = trimmed[trimmed.index(after: equals)...]
                while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                    value = value.dropLast()
                }
                if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                    value = value.dropFirst().dropLast()
                }
                return String(decoding: value, as: UTF8.self)
            }
        }
        return nil
    }
}

extension Request {
    /// The request's cookie `name` (see `HTTPHeaders.cookieValue(named:)`).
    func cookie(_ name: String) -> String? {
        headers.cookieValue(named: name)
    }
}
