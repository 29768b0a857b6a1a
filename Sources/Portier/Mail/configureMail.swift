import PortierDKIM
import Vapor

/// Sets `app.mail.from` from `PORTIER_MAIL_FROM` and picks the transport: SMTP when
/// `PORTIER_SMTP_URL` is set, otherwise ``FileTransport`` writing to `PORTIER_MAIL_DIR`
/// (relative paths are taken from the working directory). Needs `app.portier`.
///
/// The worker is started separately with `app.mail.startWorker()`.
/// - Throws: ``MailError`` for an unusable sender or SMTP URL.
public func configureMail(_ app: Application) throws {
    let configuration = app.portier.configuration
    let from = try MailAddress(parsing: configuration.mailFrom)
    app.mail.from = from

    if let smtpURL = configuration.smtpURL {
        var smtp = try SMTPConfiguration.parse(smtpURL)
        if smtp.heloName == nil {
            smtp.heloName = SMTPConfiguration.heloName(forHost: configuration.baseURL.host ?? "localhost")
        }
        app.mail.transport = try SMTPTransport(configuration: smtp, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
        app.logger.debug("mail: SMTP \(smtp)")
    } else {
        let directory = configuration.mailDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: configuration.mailDirectory, isDirectory: true)
            : URL(fileURLWithPath: app.directory.workingDirectory, isDirectory: true)
                .appendingPathComponent(configuration.mailDirectory, isDirectory: true)
        app.mail.transport = FileTransport(directory: directory, logger: app.logger, clock: app.portier.clock)
    }

    if let settings = configuration.dkim {
        let signer = try DKIMSigner.make(settings)
        app.mail.transport = DKIMSigningTransport(signer: signer, next: app.mail.transport, clock: app.portier.clock)
        if !signer.isAligned(withFromDomain: from.domain) {
            app.logger.warning("mail: PORTIER_MAIL_FROM's domain \(from.domain) is not \(signer.domain) or below it: DMARC alignment will fail")
        }
    }
}
