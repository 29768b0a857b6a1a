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
    ///
    /// A `Cookie` header that does not contain `name` anywhere cannot hold that cookie, so most
    /// requests (no cookies, or not this one) are answered without parsing: on a page from
    /// `PageCache` the parse was a tenth of the server's CPU (bench/results.md, session 8).
    func cookie(_ name: String) -> String? {
        let mayHoldName = headers[.cookie].contains { Self.bytes(of: $0, contain: name) }
        return mayHoldName ? parsedCookies[name]?.string : nil
    }

    /// Whether `needle`'s UTF-8 bytes occur in `text`'s: a plain byte search (the standard
    /// library's generic `firstRange(of:)` cost more than the parse it was to save).
    private static func bytes(of text: String, contain needle: String) -> Bool {
        var text = text, needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard !needle.isEmpty, needle.count <= haystack.count else { return false }
                return (0...(haystack.count - needle.count)).contains { start in
                    haystack[start..<(start + needle.count)].elementsEqual(needle)
                }
            }
        }
    }
}
