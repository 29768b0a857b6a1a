import Fluent
import NIOConcurrencyHelpers
import Vapor

/// One open chat socket: a client's (their one chat) or a support staff member's (the queue and
/// the chats they have). Reads frames, applies them through ``ChatService`` and sends what the
/// ``ChatHub`` fans out. Each frame re-reads the chat, so a change by the other side counts.
final class ChatSocketSession: Sendable {
    enum Role: Sendable {
        case client(UUID)
        case staff(StaffMember)
    }

    let application: Application
    let role: Role
    let language: Language
    let origin: ChatService.AuditOrigin
    /// The highest message id this socket has sent: where it catches up from when the fan-out
    /// may have missed events (``ChatEvent/Kind/reconnected``).
    private let lastSentID = NIOLockedValueBox<Int?>(nil)

    init(application: Application, role: Role, language: Language, origin: ChatService.AuditOrigin) {
        self.application = application
        self.role = role
        self.language = language
        self.origin = origin
    }

    var service: ChatService {
        ChatService(database: application.db, services: application.portier, catalogs: application.catalogs, origin: origin)
    }

    private func text(_ key: String, _ arguments: String...) -> String {
        application.catalogs.string(key, language: language, arguments: arguments)
    }

    /// What the socket's one loop handles, in arrival order: frames from the browser and
    /// events from the hub.
    private enum Input: Sendable {
        case frame(String)
        case event(ChatEvent)
    }

    func run(on socket: WebSocket, after lastID: Int?) async {
        lastSentID.withLockedValue { $0 = lastID }
        let hub = application.chatHub
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let subscription = hub.subscribe { event in continuation.yield(.event(event)) }
        socket.onClose.whenComplete { _ in
            hub.unsubscribe(subscription)
            continuation.finish()
        }
        // The socket's callbacks are set on its event loop.
        socket.eventLoop.execute {
            socket.onText { _, text in continuation.yield(.frame(text)) }
        }
        do {
            try await sendOpening(to: socket, after: lastID)
        } catch {
            application.logger.warning("chat socket: \(String(reflecting: error))")
            try? await socket.close(code: .unexpectedServerError)
        }
        for await input in inputs {
            switch input {
            case .frame(let text): await receive(text, on: socket)
            case .event(let event): await deliver(event, to: socket)
            }
        }
    }

    // MARK: Sending

    private func sendOpening(to socket: WebSocket, after lastID: Int?) async throws {
        switch role {
        case .client(let chatID):
            try await sendState(chatID, to: socket)
            for message in try await service.messages(in: chatID, after: lastID) {
                try await send(message, to: socket)
            }
        case .staff(let staff):
            try await sendQueue(staff, to: socket)
            for chat in try await service.activeChats(staffID: try staff.requireID()) {
                for message in try await service.messages(in: try chat.requireID(), after: lastID) {
                    try await send(message, to: socket)
                }
            }
        }
    }

    private func deliver(_ event: ChatEvent, to socket: WebSocket) async {
        do {
            switch (role, event.kind) {
            case (.client(let chatID), .message(let frame)) where event.chatID == chatID:
                try await send(frame, to: socket)
            case (.client(let chatID), .changed) where event.chatID == chatID:
                try await sendState(chatID, to: socket)
            case (.staff(let staff), .message(let frame)) where event.staffID != nil && event.staffID == staff.id:
                try await send(frame, to: socket)
            case (.staff(let staff), .changed):
                try await sendQueue(staff, to: socket)
            case (_, .reconnected):
                // The page drops messages it has (by id); state and queue are sent again.
                try await sendOpening(to: socket, after: lastSentID.withLockedValue { $0 })
            default:
                break
            }
        } catch {
            application.logger.debug("chat socket delivery: \(String(reflecting: error))")
        }
    }

    private func send(_ message: ChatMessage, to socket: WebSocket) async throws {
        try await send(try ChatFrame.Message(message), to: socket)
    }

    private func send(_ frame: ChatFrame.Message, to socket: WebSocket) async throws {
        lastSentID.withLockedValue { $0 = max($0 ?? 0, frame.id) }
        try await socket.send(ChatFrame.encode(frame))
    }

    private func sendState(_ chatID: UUID, to socket: WebSocket) async throws {
        guard let chat = try await Chat.find(chatID, on: application.db) else { return }
        let availability = try await service.availability()
        let now = application.portier.clock.now()
        let state = ChatFrame.State(
            chat: chatID, status: chat.status, open: availability.isOpen,
            waited: Int(chat.waitingTime(now: now)),
            offerTicketAfter: availability.isOpen ? Int(ChatService.acceptanceTimeout) : 0,
            transcriptSent: chat.transcriptSentAt != nil
        )
        try await socket.send(ChatFrame.encode(state))
    }

    private func sendQueue(_ staff: StaffMember, to socket: WebSocket) async throws {
        let staffID = try staff.requireID()
        let now = application.portier.clock.now()
        func entry(_ chat: Chat) throws -> ChatFrame.Queue.Entry {
            .init(chat: try chat.requireID(), name: chat.clientName, email: chat.clientEmail, customer: chat.$customer.id,
                  status: chat.status, waited: Int(chat.waitingTime(now: now)))
        }
        let queue = ChatFrame.Queue(
            available: try await service.isAvailable(staffID: staffID),
            waiting: try await service.waitingChats().map(entry),
            mine: try await service.activeChats(staffID: staffID).map(entry)
        )
        try await socket.send(ChatFrame.encode(queue))
    }

    private func problem(_ code: String, _ text: String, to socket: WebSocket) async {
        try? await socket.send(ChatFrame.encode(ChatFrame.Problem(code: code, text: text)))
    }

    // MARK: Receiving

    private func receive(_ text: String, on socket: WebSocket) async {
        guard let data = text.data(using: .utf8), let frame = try? JSONDecoder().decode(ChatFrame.Incoming.self, from: data) else {
            await problem("bad_frame", self.text("chat.error.bad_frame"), to: socket)
            return
        }
        do {
            switch role {
            case .client(let chatID): try await receiveFromClient(frame, chatID: chatID, on: socket)
            case .staff(let staff): try await receiveFromStaff(frame, staff: staff, on: socket)
            }
        } catch let error as CustomerAreaError {
            switch error {
            case .messageLimitReached(let minutes), .ticketLimitReached(let minutes):
                await problem("ticket_limit", self.text("chat.error.ticket_limit", String(minutes)), to: socket)
            default:
                await problem("failed", self.text("chat.error.failed"), to: socket)
            }
        } catch {
            application.logger.warning("chat frame failed: \(String(reflecting: error))")
            await problem("failed", self.text("chat.error.failed"), to: socket)
        }
    }

    private func receiveFromClient(_ frame: ChatFrame.Incoming, chatID: UUID, on socket: WebSocket) async throws {
        guard let chat = try await Chat.find(chatID, on: application.db) else { return }
        switch frame.type {
        case .say:
            await report(try await service.post(frame.text ?? "", in: chat, by: .client), chat: chat, on: socket)
        case .end:
            if case .ended(let note) = try await service.end(chat, by: .client) {
                try publish(note, chat: chat)
                publishChange(chat)
            }
        case .ticket:
            await report(try await service.leaveAsTicket(chat, by: .client), chat: chat, on: socket)
        case .transcript:
            switch try await service.mailTranscript(of: chat) {
            case .queued: try await socket.send(ChatFrame.encode(ChatFrame.Notice(type: "transcript", text: text("chat.transcript.queued", chat.clientEmail))))
            case .alreadySent: await problem("transcript_sent", text("chat.error.transcript_sent"), to: socket)
            case .notFinished: await problem("not_finished", text("chat.error.not_finished"), to: socket)
            }
        case .accept, .available:
            await problem("bad_frame", text("chat.error.bad_frame"), to: socket)
        }
    }

    private func receiveFromStaff(_ frame: ChatFrame.Incoming, staff: StaffMember, on socket: WebSocket) async throws {
        let staffID = try staff.requireID()
        let writer = ChatService.Writer.staff(id: staffID, name: staff.name)
        if frame.type == .available {
            try await service.setAvailable(frame.on ?? false, staffID: staffID)
            try await sendQueue(staff, to: socket)
            return
        }
        guard let chatID = frame.chat, let chat = try await Chat.find(chatID, on: application.db) else {
            await problem("no_chat", text("chat.error.no_chat"), to: socket)
            return
        }
        switch frame.type {
        case .accept:
            switch try await service.accept(chat, by: staff) {
            case .accepted(let note):
                try publish(note, chat: chat)
                publishChange(chat)
                for message in try await service.messages(in: chatID) where message.id != note.id {
                    try await send(message, to: socket)
                }
            case .taken: await problem("taken", text("chat.error.taken"), to: socket)
            case .finished: await problem("finished", text("chat.error.finished"), to: socket)
            }
        case .say:
            if chat.status == .leftAsTicket, chat.isVisitor {
                await report(try await service.replyByMail(to: chat, text: frame.text ?? "", by: staff), chat: chat, on: socket, echo: true)
            } else {
                await report(try await service.post(frame.text ?? "", in: chat, by: writer), chat: chat, on: socket)
            }
        case .end:
            switch try await service.end(chat, by: writer) {
            case .ended(let note):
                try publish(note, chat: chat)
                publishChange(chat)
            case .alreadyFinished: await problem("finished", text("chat.error.finished"), to: socket)
            case .notYours: await problem("not_yours", text("chat.error.not_yours"), to: socket)
            }
        case .ticket:
            await report(try await service.leaveAsTicket(chat, by: writer), chat: chat, on: socket)
        case .transcript, .available:
            await problem("bad_frame", text("chat.error.bad_frame"), to: socket)
        }
    }

    private func report(_ outcome: ChatService.PostOutcome, chat: Chat, on socket: WebSocket, echo: Bool = false) async {
        switch outcome {
        case .posted(let message):
            do {
                if echo { try await send(message, to: socket) }
                else { try publish(message, chat: chat) }
            } catch {
                await problem("failed", text("chat.error.failed"), to: socket)
            }
        case .empty: await problem("empty", text("chat.error.empty"), to: socket)
        case .tooLong: await problem("too_long", text("chat.error.too_long", String(ChatService.maximumMessageLength)), to: socket)
        case .rateLimited(let seconds): await problem("rate_limited", text("chat.error.rate_limited", String(seconds)), to: socket)
        case .finished: await problem("finished", text("chat.error.finished"), to: socket)
        case .notYours: await problem("not_yours", text("chat.error.not_yours"), to: socket)
        }
    }

    private func report(_ outcome: ChatService.TicketOutcome, chat: Chat, on socket: WebSocket) async {
        do {
            switch outcome {
            case .ticket(_, let note):
                try publish(note, chat: chat)
                publishChange(chat)
            case .notYet: await problem("not_yet", text("chat.error.not_yet"), to: socket)
            case .nothingWritten: await problem("nothing_written", text("chat.error.nothing_written"), to: socket)
            case .alreadyFinished: await problem("finished", text("chat.error.finished"), to: socket)
            }
        } catch {
            await problem("failed", text("chat.error.failed"), to: socket)
        }
    }

    private func publish(_ message: ChatMessage, chat: Chat) throws {
        application.chatHub.publish(ChatEvent(chatID: message.$chat.id, staffID: chat.$staff.id, kind: .message(try ChatFrame.Message(message))))
    }

    private func publishChange(_ chat: Chat) {
        guard let id = chat.id else { return }
        application.chatHub.publish(ChatEvent(chatID: id, staffID: chat.$staff.id, kind: .changed))
    }
}
