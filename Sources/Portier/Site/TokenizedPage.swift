import Foundation
import NIOCore

/// A rendered page split around its CSRF token, joined again around each visitor's own token:
/// pages are rendered once and served to everyone without the template engine.
struct TokenizedPage: Sendable {
    /// Rendered in place of the token, then split on; random per process so no page text can
    /// contain it.
    static let placeholder = "csrf-" + UUID().uuidString

    private let parts: [ByteBuffer]
    private let byteCount: Int

    init(html: String) {
        let texts = html.components(separatedBy: Self.placeholder)
        parts = texts.map { ByteBuffer(string: $0) }
        byteCount = texts.reduce(0) { $0 + $1.utf8.count }
    }

    func body(with token: String) -> ByteBuffer {
        var body = ByteBufferAllocator().buffer(capacity: byteCount + token.utf8.count * max(0, parts.count - 1))
        for (index, part) in parts.enumerated() {
            if index > 0 { body.writeString(token) }
            body.writeImmutableBuffer(part)
        }
        return body
    }
}
