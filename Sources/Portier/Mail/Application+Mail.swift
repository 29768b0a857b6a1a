import Vapor

extension Application {
    /// The mail feature's services: transport, sender and outbox worker.
    /// Set up by ``configureMail(_:)``; tests replace ``Mail/transport``.
    public var mail: Mail { Mail(application: self) }

    public struct Mail: Sendable {
        let application: Application

        private struct TransportKey: StorageKey { typealias Value = any MailTransport }
        private struct FromKey: StorageKey { typealias Value = MailAddress }
        private struct WorkerKey: StorageKey { typealias Value = OutboxWorker }

        /// Where rendered messages go.
        public var transport: any MailTransport {
            get {
                guard let transport = application.storage[TransportKey.self] else {
                    fatalError("configureMail(_:) has not set app.mail.transport")
                }
                return transport
            }
            nonmutating set { application.storage[TransportKey.self] = newValue }
        }

        /// `From` and the envelope sender (`PORTIER_MAIL_FROM`).
        public var from: MailAddress {
            get {
                guard let from = application.storage[FromKey.self] else {
                    fatalError("configureMail(_:) has not set app.mail.from")
                }
                return from
            }
            nonmutating set { application.storage[FromKey.self] = newValue }
        }

        /// The outbox worker; created on first use with the default configuration unless
        /// ``startWorker(configuration:)`` created it first.
        public var worker: OutboxWorker {
            if let worker = application.storage[WorkerKey.self] {
                return worker
            }
            let worker = OutboxWorker(application: application)
            application.storage[WorkerKey.self] = worker
            return worker
        }

        /// Registers the outbox worker with the application's lifecycle: it starts polling after
        /// boot when the app serves requests (`serve`, the default command; not `migrate`,
        /// `outbox`, …) and is stopped, and waited for, on shutdown.
        /// Tests usually skip this and call `app.mail.worker.runOnce()` themselves.
        public func startWorker(configuration: OutboxWorker.Configuration = .init()) {
            let worker = OutboxWorker(application: application, configuration: configuration)
            application.storage[WorkerKey.self] = worker
            application.lifecycle.use(OutboxWorkerLifecycle(worker: worker))
        }

        func requireTransport() throws -> any MailTransport {
            guard let transport = application.storage[TransportKey.self] else { throw MailError.notConfigured }
            return transport
        }

        func requireFrom() throws -> MailAddress {
            guard let from = application.storage[FromKey.self] else { throw MailError.notConfigured }
            return from
        }
    }
}
