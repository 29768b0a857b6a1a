import Foundation
import Logging
import NIOConcurrencyHelpers

/// Every log line of the test process, for tests that check what must never be logged. The
/// logging system can be bootstrapped once per process, so the first `install()` does it for
/// all tests; lines are kept (bounded) and also written to standard error at warning and above.
enum LogCapture {
    private static let lines = NIOLockedValueBox<[String]>([])
    private static let installed: Void = {
        LoggingSystem.bootstrap { label in CapturingLogHandler(label: label) }
    }()

    static func install() {
        _ = installed
    }

    /// The lines logged so far that contain `text`.
    static func lines(containing text: String) -> [String] {
        lines.withLockedValue { $0.filter { $0.contains(text) } }
    }

    fileprivate static func record(_ line: String) {
        lines.withLockedValue { lines in
            if lines.count >= 20_000 { lines.removeFirst(10_000) }
            lines.append(line)
        }
    }

    private struct CapturingLogHandler: LogHandler {
        let label: String
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        // swiftlint:disable:next function_parameter_count
        func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = metadata.merging(explicit ?? [:]) { $1 }
            let text = "\(level) \(label): \(message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
            LogCapture.record(text)
            if level >= .warning {
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
        }
    }
}
