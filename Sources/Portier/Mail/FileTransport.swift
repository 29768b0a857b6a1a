import Foundation
import Logging

/// The development transport: writes each message to `<directory>/<timestamp>-<id>.eml`
/// and logs `mail to <address>: <subject> (file)` plus every link of the plain-text body,
/// so a developer can click the reset link straight from the console.
public struct FileTransport: MailTransport {
    public let directory: URL
    let logger: Logger
    let clock: any AppClock

    public init(directory: URL, logger: Logger, clock: any AppClock = SystemClock()) {
        self.directory = directory
        self.logger = logger
        self.clock = clock
    }

    public func send(_ rendered: RenderedMail) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(Self.fileName(at: clock.now()), isDirectory: false)
        try Data(rendered.bytes).write(to: file, options: [.withoutOverwriting])

        let recipients = rendered.recipients.map(\.email).joined(separator: ", ")
        logger.info("mail to \(recipients): \(rendered.subject) (file)", metadata: ["file": "\(file.path)"])
        for link in Self.links(in: rendered.textBody) {
            logger.info("  \(link)")
        }
    }

    /// `20250114T090500.123Z-<uuid>.eml`: sorts by time, never collides.
    static func fileName(at date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func padded(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let stamp = padded(parts.year, 4) + padded(parts.month, 2) + padded(parts.day, 2) + "T"
            + padded(parts.hour, 2) + padded(parts.minute, 2) + padded(parts.second, 2)
            + "." + padded(milliseconds % 1000, 3) + "Z"
        return "\(stamp)-\(UUID().uuidString.lowercased()).eml"
    }

    /// Every `http://` or `https://` URL in `text`, without trailing sentence punctuation.
    static func links(in text: String) -> [String] {
        var links: [String] = []
        var remainder = text[...]
        while let start = remainder.range(of: "http", options: .caseInsensitive) {
            let candidate = remainder[start.lowerBound...]
            let lowered = candidate.prefix(8).lowercased()
            guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
                remainder = remainder[start.upperBound...]
                continue
            }
            let end = candidate.firstIndex { $0.isWhitespace || "<>\"'".contains($0) } ?? candidate.endIndex
            var link = candidate[..<end]
            while let last = link.last, ".,;:!?)]".contains(last) {
                link = link.dropLast()
            }
            links.append(String(link))
            remainder = candidate[end...]
        }
        return links
    }
}
