import Foundation
import Logging

/// `LOG_FORMAT=json`: one JSON object per line on standard output — `time` (ISO 8601 with
/// milliseconds, UTC), `level`, `label`, `message` and the metadata as strings — for log shippers.
/// The default format stays Vapor's human-readable one.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardOutput) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        write(Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    /// The JSON object of one log line (without the newline).
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var object: [String: String] = [
            "time": time.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)),
            "level": level.rawValue,
            "label": label,
            "message": message,
        ]
        for (key, value) in metadata where object[key] == nil {
            object[key] = "\(value)"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(object), as: UTF8.self)) ?? #"{"level":"error","message":"unencodable log line"}"#
    }

    @Sendable
    public static func standardOutput(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// `LOG_FORMAT`: `text` (default) or `json`. Read before anything else is logged, so it is parsed
/// here rather than in `PortierConfiguration.load`, which validates it too.
public enum LogFormat: String, Sendable {
    case text
    case json

    public init(environment variables: [String: String]) throws {
        let raw = variables["LOG_FORMAT"]?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !raw.isEmpty else { self = .text; return }
        guard let format = LogFormat(rawValue: raw.lowercased()) else {
            throw ConfigurationError(variable: "LOG_FORMAT", reason: "must be text or json, got '\(raw)'")
        }
        self = format
    }
}
