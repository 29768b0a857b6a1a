import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import ReferenceImplementations
import Vapor
@testable import Portier

// MARK: - Clock

/// A clock the mail tests move by hand.
final class MailTestClock: AppClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_736_845_503)) {  // Tue, 14 Jan 2025 09:05:03 UTC
        current = start
    }

    func now() -> Date {
        lock.withLock { current }
    }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

// MARK: - Application

/// An application with in-memory SQLite (or, when `PORTIER_TEST_DATABASE_URL` is set, its own
/// schema in that PostgreSQL), only the outbox migration, `configureMail`, and a
/// ``RecordingMailTransport`` in place of the file transport. Shut down afterwards.
func withMailTestApp(
    clock: MailTestClock = MailTestClock(),
    variables: [String: String] = [:],
    _ body: (Application, RecordingMailTransport) async throws -> Void
) async throws {
    guard TestDatabase.postgresURL != nil else { return try await runMailTestApp(clock: clock, variables: variables, body) }
    try await PostgresTestGate.shared.withSlot { try await runMailTestApp(clock: clock, variables: variables, body) }
}

private func runMailTestApp(
    clock: MailTestClock,
    variables: [String: String],
    _ body: (Application, RecordingMailTransport) async throws -> Void
) async throws {
    let app = try await Application.make(.testing, .createNew)
    app.logger.logLevel = .warning
    var schema: String?
    do {
        var environment = ["PORTIER_MAIL_FROM": "Portier Kundtjänst <no-reply@portier.example.se>"]
        environment.merge(variables) { $1 }
        let configuration = try PortierConfiguration.load(from: environment, environment: .testing)
        app.portier = PortierServices(configuration: configuration, clock: clock)
        if let url = TestDatabase.postgresURL {
            let name = "mail_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            var postgres = try SQLPostgresConfiguration(url: url)
            postgres.searchPath = [name]
            app.databases.use(.postgres(configuration: postgres), as: .psql)
            try await (app.db as? any SQLDatabase)?.raw("CREATE SCHEMA \(ident: name)").run()
            schema = name
        } else {
            app.databases.use(.sqlite(.memory), as: .sqlite)
        }
        app.migrations.add(CreateOutboxMessage())
        try await app.autoMigrate()
        try configureMail(app)
        let transport = RecordingMailTransport()
        app.mail.transport = transport
        try await body(app, transport)
        try await app.autoRevert()
    } catch {
        await dropMailSchema(schema, app: app)
        try? await app.asyncShutdown()
        throw error
    }
    await dropMailSchema(schema, app: app)
    try await app.asyncShutdown()
}

private func dropMailSchema(_ schema: String?, app: Application) async {
    guard let schema, let sql = app.db as? any SQLDatabase else { return }
    try? await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
}

// MARK: - Sample mail

enum SampleMail {
    static let subject = "Återställ ditt lösenord"

    static let textBody = """
        Hej Åsa!

        Någon (förhoppningsvis du) bad om att få återställa lösenordet till Kundavdelningen.
        Öppna länken inom en timme för att välja ett nytt lösenord:
        https://portal.example.se/losenord/nytt?token=AbC-123_xyz
        .
        .punkt först på raden ska komma fram oförändrad.
        ..två punkter också.
        Har du inte bett om detta kan du strunta i det här meddelandet – ditt lösenord är oförändrat. Den här raden är dessutom extra lång så att den måste brytas med mjuka radbrytningar.

        Vänliga hälsningar
        Portier

        """

    static let htmlBody = """
        <!doctype html>
        <html lang="sv"><body>
        <p>Hej Åsa!</p>
        <p>Öppna <a href="https://portal.example.se/losenord/nytt?token=AbC-123_xyz">länken</a> inom en timme.</p>
        <p style="margin:0">.punkt</p>
        </body></html>

        """

    static func make(to email: String = "asa.oberg@kund.example.se", marker: String? = nil) throws -> OutgoingMail {
        OutgoingMail(
            to: try MailAddress(name: "Åsa Öberg", email: email),
            subject: marker.map { "\(subject) \($0)" } ?? subject,
            textBody: textBody,
            htmlBody: htmlBody,
            language: .swedish
        )
    }
}

// MARK: - Decoding (independent of the code under test)

enum MIMETestDecoding {
    /// Quoted-printable to bytes: soft breaks removed, `=XX` decoded.
    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    output.append(value)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    /// Decodes a header value made of `=?UTF-8?B?…?=` words (whitespace between words ignored)
    /// or returns unfolded plain text.
    static func decodeHeaderValue(_ value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        let words = unfolded.split(separator: " ")
        guard words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) else {
            return unfolded.trimmingCharacters(in: .whitespaces)
        }
        var bytes: [UInt8] = []
        for word in words {
            let base64 = String(word.dropFirst(10).dropLast(2))
            bytes += Array(Data(base64Encoded: base64) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The message split into header block and body at the first empty line.
    static func split(_ message: String) -> (headers: String, body: String) {
        guard let range = message.range(of: "\r\n\r\n") else { return (message, "") }
        return (String(message[..<range.lowerBound]), String(message[range.upperBound...]))
    }

    /// Header name → raw (folded) value, for the top-level headers.
    static func headers(of message: String) -> [String: String] {
        var result: [String: String] = [:]
        var lastName: String?
        for line in split(message).headers.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let lastName {
                result[lastName, default: ""] += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                result[name] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                lastName = name
            }
        }
        return result
    }

    /// The parts of a multipart body: (headers, decoded body).
    static func parts(of message: String, boundary: String) -> [(headers: String, body: String)] {
        let body = split(message).body
        let delimiter = "--" + boundary
        var segments = body.components(separatedBy: "\r\n" + delimiter)
        // The first segment starts with the delimiter itself (no preamble).
        if let first = segments.first, first.hasPrefix(delimiter) {
            segments[0] = String(first.dropFirst(delimiter.count))
        }
        return segments.compactMap { segment -> (String, String)? in
            guard !segment.hasPrefix("--") else { return nil }
            // Note: "\r\n" is a single Character in Swift, so trim on UTF-8.
            let trimmed = segment.utf8.starts(with: [13, 10]) ? String(decoding: Array(segment.utf8.dropFirst(2)), as: UTF8.self) : segment
            let (headers, encoded) = split(trimmed)
            return (headers, String(decoding: decodeQuotedPrintable(encoded), as: UTF8.self))
        }
    }

    /// `text` with every line ending as CRLF, as it travels.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }
}

// MARK: - SMTP sink

/// `tests/smtp_sink.py`: either the one the test runner started (`PORTIER_TEST_SMTP_PORT`,
/// `PORTIER_TEST_SMTP_DIR`) or one this test spawns on a free port with its own directory.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let process: SpawnedProcess?

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var external: (port: Int, directory: URL)? {
        let environment = ProcessInfo.processInfo.environment
        guard let port = environment["PORTIER_TEST_SMTP_PORT"].flatMap(Int.init),
              let directory = environment["PORTIER_TEST_SMTP_DIR"], !directory.isEmpty else { return nil }
        return (port, URL(fileURLWithPath: directory, isDirectory: true))
    }

    /// `python3 -c "import aiosmtpd"` works, so a sink can be spawned.
    static let canSpawn: Bool = {
        let available = run(["python3", "-c", "import aiosmtpd"]) == 0
        if !available {
            print("SMTP sink tests: python3 with aiosmtpd is not available (pip install aiosmtpd); only the external sink, if any, is used.")
        }
        return available
    }()

    static let isAvailable: Bool = {
        let available = external != nil || canSpawn
        if !available {
            print("Skipping SMTP delivery tests: set PORTIER_TEST_SMTP_PORT/PORTIER_TEST_SMTP_DIR or install aiosmtpd for python3.")
        }
        return available
    }()

    static let hasOpenSSL: Bool = canSpawn && run(["openssl", "version"]) == 0

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) -> Int32 {
        guard let process = try? SpawnedProcess(arguments, workingDirectory: directory?.path, output: .discard, errors: .discard) else {
            return -1
        }
        return process.waitUntilExit()
    }

    private init(port: Int, directory: URL, process: SpawnedProcess?) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    deinit { stop() }

    /// The runner's sink if there is one (and no special mode is asked for), else a spawned one.
    static func make() async throws -> SMTPSink {
        if let external {
            return SMTPSink(port: external.port, directory: external.directory, process: nil)
        }
        return try await spawn()
    }

    static func spawn(
        auth: Bool = false,
        excludingMechanisms excluded: [String] = [],
        tls: (certificate: URL, key: URL, mode: String)? = nil
    ) async throws -> SMTPSink {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("portier-smtp-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        var arguments = ["python3", packageRoot.appendingPathComponent("tests/smtp_sink.py").path,
                         "--port", "0", "--dir", directory.path, "--stop-on-stdin-eof"]
        if auth { arguments.append("--auth") }
        for mechanism in excluded { arguments += ["--auth-exclude", mechanism] }
        if let tls {
            arguments += ["--tls-cert", tls.certificate.path, "--tls-key", tls.key.path, "--tls-mode", tls.mode]
        }
        // The sink stops when its standard input ends: when this process (or the sink object) goes.
        let process = try SpawnedProcess(arguments, input: .pipe, errors: .discard)
        guard let reader = process.standardOutput else { throw SinkError(description: "tests/smtp_sink.py has no output pipe") }
        let port: Int? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var text = ""
                while !text.contains("\n") {
                    let data = reader.availableData
                    if data.isEmpty { break }
                    text += String(decoding: data, as: UTF8.self)
                }
                let line = text.split(separator: "\n").first ?? ""
                continuation.resume(returning: line.hasPrefix("READY ") ? Int(line.dropFirst(6)) : nil)
            }
        }
        guard let port else {
            process.terminate()
            throw SinkError(description: "tests/smtp_sink.py did not start")
        }
        return SMTPSink(port: port, directory: directory, process: process)
    }

    /// Stops a spawned sink and deletes its directory (the runner's sink is left alone).
    func stop() {
        guard let process, process.isRunning else { return }
        try? process.standardInput?.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The stored messages (`.eml` files), oldest first.
    func messages() throws -> [[UInt8]] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { Array(try Data(contentsOf: $0)) }
    }

    /// The stored messages that contain `marker` (a Message-ID, say); with the runner's shared
    /// sink other tests' messages are there too.
    func messages(containing marker: String) throws -> [[UInt8]] {
        try messages().filter { String(decoding: $0, as: UTF8.self).contains(marker) }
    }

    /// The envelope sidecars (`.json`), oldest first.
    func envelopes() throws -> [[String: Any]] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.compactMap { try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as? [String: Any] }
    }

    /// A self-signed certificate for `localhost` and 127.0.0.1 (with `openssl`).
    static func makeSelfSignedCertificate() throws -> (certificate: URL, key: URL) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("portier-tls-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        let status = run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", key.path, "-out", certificate.path, "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        guard status == 0 else { throw SinkError(description: "openssl could not make a certificate") }
        return (certificate, key)
    }

    /// Parses `message` with Python's `email` package (an independent MIME reader).
    static func parseWithPython(_ message: [UInt8]) throws -> [String: Any] {
        let script = """
            import email, email.policy, json, sys
            m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
            plain = m.get_body(preferencelist=("plain",))
            html = m.get_body(preferencelist=("html",))
            defects = sum(len(part.defects) for part in m.walk())
            print(json.dumps({
                "subject": str(m["subject"]), "from": str(m["from"]), "to": str(m["to"]),
                "language": str(m["content-language"]), "content_type": m.get_content_type(),
                "parts": [p.get_content_type() for p in m.iter_parts()],
                "text": plain.get_content(), "html": html.get_content(), "defects": defects,
            }))
            """
        let process = try SpawnedProcess(["python3", "-c", script], input: .pipe, errors: .discard)
        let (status, data, _) = process.communicate(input: Data(message))
        guard status == 0,
              let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SinkError(description: "python could not parse the message")
        }
        return parsed
    }

    struct SinkError: Error, CustomStringConvertible {
        var description: String
    }
}

// MARK: - Logs

/// Keeps every log message (with its metadata) for assertions.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { lock.withLock { lines } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadataText = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        lock.withLock { lines.append("\(event.message) \(metadataText)") }
    }

    var logger: Logger {
        Logger(label: "portier.test") { _ in self }
    }
}
