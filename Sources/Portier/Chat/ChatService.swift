import Fluent
import Foundation

/// The chat's rules: when it is open, who may write what and how often, accepting and ending,
/// leaving a chat as a ticket, the transcript mail and the staff's availability. Every change is
/// audited. Controllers (HTTP and WebSocket) map the outcomes; fan-out is ``ChatHub``'s job.
struct ChatService: Sendable {
    static let maximumMessageLength = 4_000
    static let maximumNameLength = 100
    /// Messages one participant may write within ``rateWindow``.
    static let messagesPerWindow = 10
    static let rateWindow: TimeInterval = 10
    /// After this long without an accepting staff member the panel offers to leave a ticket.
    static let acceptanceTimeout: TimeInterval = 2 * 60
    /// A staff member's availability ends after this long without activity.
    static let availabilityTimeout: TimeInterval = 15 * 60
    /// How long a visitor's chat token (and so the conversation) survives reloads.
    static let visitorTokenLifetime: TimeInterval = 24 * 60 * 60

    let database: any Database
    let clock: any AppClock
    let random: any RandomSource
    let configuration: PortierConfiguration
    let mails: ChatMails
    /// Who caused the change, for audit events.
    let origin: AuditOrigin

    struct AuditOrigin: Sendable {
        var ipAddress: String?
        var userAgent: String?
        static let none = AuditOrigin(ipAddress: nil, userAgent: nil)
    }

    init(database: any Database, services: PortierServices, catalogs: Catalogs, origin: AuditOrigin = .none) {
        self.database = database
        self.clock = services.clock
        self.random = services.random
        self.configuration = services.configuration
        self.mails = ChatMails(base: CustomerAreaMails(catalogs: catalogs, configuration: services.configuration))
        self.origin = origin
    }

    // MARK: Open or closed

    struct Availability: Sendable, Equatable, Encodable {
        let withinHours: Bool
        let availableStaff: Int
        var isOpen: Bool { withinHours && availableStaff > 0 }
    }

    /// Open means inside `PORTIER_SUPPORT_HOURS` and at least one support staff member available.
    func availability() async throws -> Availability {
        let now = clock.now()
        let within = configuration.supportHours.contains(now)
        return Availability(withinHours: within, availableStaff: within ? try await availableStaffCount(now: now) : 0)
    }

    /// Enabled staff who may answer chats (support or admin), switched on and active lately.
    func availableStaffCount(now: Date) async throws -> Int {
        try await StaffChatAvailability.query(on: database)
            .join(StaffMember.self, on: \StaffChatAvailability.$staff.$id == \StaffMember.$id)
            .filter(\.$isAvailable == true)
            .filter(\.$lastActivityAt > now.addingTimeInterval(-Self.availabilityTimeout))
            .filter(StaffMember.self, \.$isDisabled == false)
            .filter(StaffMember.self, \.$role ~~ [.support, .admin])
            .count()
    }

    // MARK: Starting

    enum Client: Sendable {
        case customer(Customer)
        case visitor(name: String, email: String)
    }

    enum StartOutcome: Sendable {
        /// `visitorToken` is the raw token for the visitor's cookie (only its hash is stored).
        case started(Chat, visitorToken: String?, availability: Availability)
        case nameMissing
        case nameTooLong
        case emailInvalid
    }

    /// Starts a chat. It is created even when the chat is closed: the panel then offers to leave
    /// the message as a ticket, and nothing typed is lost.
    func start(_ client: Client, language: Language) async throws -> StartOutcome {
        let now = clock.now()
        let chat: Chat
        var token: String?
        switch client {
        case .customer(let customer):
            chat = Chat(customerID: try customer.requireID(), clientName: customer.name, clientEmail: customer.email, language: language, now: now)
        case .visitor(let rawName, let rawEmail):
            let name = TicketDesk.singleLine(rawName)
            if name.isEmpty { return .nameMissing }
            if name.count > Self.maximumNameLength { return .nameTooLong }
            let email = Customer.normalizedEmail(rawEmail)
            guard email.count <= 254, (try? MailAddress(email: email)) != nil else { return .emailInvalid }
            chat = Chat(customerID: nil, clientName: name, clientEmail: email, language: language, now: now)
            let raw = random.makeToken()
            chat.tokenHash = TokenDigest.sha256Hex(raw)
            chat.tokenExpiresAt = now.addingTimeInterval(Self.visitorTokenLifetime)
            token = raw
        }
        let availability = try await availability()
        try await database.transactionTakingSQLiteWriteLock { database in
            try await chat.create(on: database)
            try await audit(.chatStarted, chat: chat, on: database, details: availability.isOpen ? "open" : "closed")
        }
        return .started(chat, visitorToken: token, availability: availability)
    }

    // MARK: Finding a client's chat

    /// A visitor's chat by the raw token of their cookie, while the token is valid.
    func chat(visitorToken: String) async throws -> Chat? {
        guard !visitorToken.isEmpty, visitorToken.count <= 128 else { return nil }
        return try await Chat.query(on: database)
            .filter(\.$tokenHash == TokenDigest.sha256Hex(visitorToken))
            .filter(\.$tokenExpiresAt > clock.now())
            .first()
    }

    /// The customer's latest chat of the last 24 hours (what a reload resumes).
    func latestChat(customerID: UUID) async throws -> Chat? {
        try await Chat.query(on: database)
            .filter(\.$customer.$id == customerID)
            .filter(\.$createdAt > clock.now().addingTimeInterval(-Self.visitorTokenLifetime))
            .sort(\.$createdAt, .descending)
            .first()
    }

    /// The chat's messages after `lastID` (all of them for nil), oldest first.
    func messages(in chatID: UUID, after lastID: Int? = nil) async throws -> [ChatMessage] {
        let query = ChatMessage.query(on: database).filter(\.$chat.$id == chatID)
        if let lastID { query.filter(\.$id > lastID) }
        return try await query.sort(\.$id).all()
    }

    // MARK: Writing

    enum Writer: Sendable, Equatable {
        case client
        case staff(id: UUID, name: String)

        var staffID: UUID? {
            if case .staff(let id, _) = self { return id }
            return nil
        }
    }

    enum PostOutcome: Sendable {
        case posted(ChatMessage)
        case empty
        case tooLong
        /// More than ``messagesPerWindow`` within ``rateWindow``; try again in `seconds`.
        case rateLimited(seconds: Int)
        case finished
        /// A staff member who has not accepted this chat.
        case notYours
    }

    /// Stores a message; the text is kept as typed (line breaks normalised, control characters
    /// removed) and escaped by whoever shows it.
    func post(_ text: String, in chat: Chat, by writer: Writer) async throws -> PostOutcome {
        let body = TicketDesk.messageText(text)
        if body.isEmpty { return .empty }
        if body.count > Self.maximumMessageLength { return .tooLong }
        if chat.isFinished { return .finished }
        if case .staff(let staffID, _) = writer, chat.status != .active || chat.$staff.id != staffID { return .notYours }
        let chatID = try chat.requireID()
        let clientName = chat.clientName
        return try await database.transactionTakingSQLiteWriteLock { database in
            let now = clock.now()
            // Concurrent sends of one writer are counted one after another (ChatRateLock).
            try await ChatRateLock.take(ChatRateLock.key(for: writer, chatID: chatID), now: now, on: database)
            let recent = ChatMessage.query(on: database).filter(\.$createdAt > now.addingTimeInterval(-Self.rateWindow))
            switch writer {
            case .client: recent.filter(\.$chat.$id == chatID).filter(\.$author == .client)
            case .staff(let staffID, _): recent.filter(\.$staffID == staffID)
            }
            let times = try await recent.all(\.$createdAt)
            if times.count >= Self.messagesPerWindow {
                let freedAt = times.sorted()[times.count - Self.messagesPerWindow].addingTimeInterval(Self.rateWindow)
                return .rateLimited(seconds: max(1, Int(freedAt.timeIntervalSince(now).rounded(.up))))
            }
            let message: ChatMessage
            switch writer {
            case .client:
                message = ChatMessage(chatID: chatID, author: .client, authorName: clientName, body: body, now: now)
            case .staff(let staffID, let name):
                message = ChatMessage(chatID: chatID, author: .staff, staffID: staffID, authorName: name, body: body, now: now)
                try await touch(staffID: staffID, now: now, on: database)
            }
            try await message.create(on: database)
            return .posted(message)
        }
    }

    // MARK: Staff actions

    enum AcceptOutcome: Sendable {
        case accepted(ChatMessage)
        /// Another staff member was first.
        case taken
        case finished
    }

    /// The staff member takes a waiting chat; only one can (one conditional UPDATE decides).
    func accept(_ chat: Chat, by staff: StaffMember) async throws -> AcceptOutcome {
        if chat.isFinished { return .finished }
        let staffID = try staff.requireID()
        let chatID = try chat.requireID()
        let name = staff.name
        let language = chat.preferredLanguage
        let now = clock.now()
        let result: AcceptOutcome = try await database.transactionTakingSQLiteWriteLock { database in
            let changes: [String: any Encodable & Sendable] = ["status": Chat.Status.active.rawValue, "staff_id": staffID, "accepted_at": now]
            guard try await Chat.claim(chatID, whereStatusIn: [.waiting], set: changes, on: database) else {
                let current = try await Chat.find(chatID, on: database)
                return current.map { $0.isFinished ? .finished : .taken } ?? .finished
            }
            guard let current = try await Chat.find(chatID, on: database) else { return .finished }
            let note = ChatMessage(chatID: chatID, author: .system, authorName: "", body: mails.acceptedNote(staffName: name, language: language), now: now)
            try await note.create(on: database)
            try await touch(staffID: staffID, now: now, on: database)
            try await audit(.chatAccepted, chat: current, staffID: staffID, on: database)
            return .accepted(note)
        }
        if case .accepted = result {
            chat.status = .active
            chat.$staff.id = staffID
            chat.acceptedAt = now
        }
        return result
    }

    enum EndOutcome: Sendable {
        case ended(ChatMessage)
        case alreadyFinished
        case notYours
    }

    /// Ends the chat, by the client or by the staff member who has it.
    func end(_ chat: Chat, by writer: Writer) async throws -> EndOutcome {
        if chat.isFinished { return .alreadyFinished }
        if case .staff(let staffID, _) = writer, chat.$staff.id != staffID { return .notYours }
        let chatID = try chat.requireID()
        let language = chat.preferredLanguage
        return try await database.transactionTakingSQLiteWriteLock { database in
            let now = clock.now()
            let changes: [String: any Encodable & Sendable] = ["status": Chat.Status.ended.rawValue, "ended_at": now]
            guard try await Chat.claim(chatID, whereStatusIn: [.waiting, .active], set: changes, on: database),
                  let current = try await Chat.find(chatID, on: database) else { return .alreadyFinished }
            chat.status = .ended
            chat.endedAt = now
            let note = ChatMessage(chatID: chatID, author: .system, authorName: "", body: mails.endedNote(byStaff: writer != .client, language: language), now: now)
            try await note.create(on: database)
            var staffID: UUID?
            if case .staff(let id, _) = writer {
                staffID = id
                try await touch(staffID: id, now: now, on: database)
            }
            try await audit(.chatEnded, chat: current, staffID: staffID, on: database)
            return .ended(note)
        }
    }

    // MARK: Leaving it as a ticket

    enum TicketOutcome: Sendable {
        /// The chat became this ticket: a customer's ticket of theirs, or a visitor's ticket
        /// answered by mail (the visitor got a receipt). `note` is the chat's system note.
        case ticket(Ticket, ChatMessage)
        /// The client may leave a ticket only while the chat is closed or after waiting
        /// ``acceptanceTimeout``; a staff member only for a chat they have.
        case notYet
        case nothingWritten
        case alreadyFinished
    }

    /// Leaves the chat as a ticket: asked by the client (closed, or nobody accepted in time) or
    /// done by the staff member who has the chat. The ticket's first message is the whole
    /// conversation. One transaction does it all — the conditional UPDATE that moves the chat
    /// (only one request can), the ticket and its message, the chat's note, a visitor's receipt
    /// and the audit event — so two clicks or two staff make one ticket, and a failure makes none.
    func leaveAsTicket(_ chat: Chat, by writer: Writer) async throws -> TicketOutcome {
        if chat.isFinished { return .alreadyFinished }
        let now = clock.now()
        let fromStatus: Chat.Status
        switch writer {
        case .client:
            guard chat.status == .waiting else { return .notYet }
            if chat.waitingTime(now: now) < Self.acceptanceTimeout, try await availability().isOpen { return .notYet }
            fromStatus = .waiting
        case .staff(let staffID, _):
            guard chat.status == .active, chat.$staff.id == staffID else { return .notYet }
            fromStatus = .active
        }
        let chatID = try chat.requireID()
        let thread = try await messages(in: chatID)
        guard thread.contains(where: { $0.author == .client }) else { return .nothingWritten }
        let language = chat.preferredLanguage
        let transcript = mails.transcriptText(thread, language: language)
        let subject = mails.ticketSubject(chat, language: language, now: now)
        let staffID = writer.staffID
        let customerID = chat.$customer.id

        let result: TicketOutcome = try await retryingOnConstraintFailure {
            try await database.transactionTakingSQLiteWriteLock { database in
                let changes: [String: any Encodable & Sendable] = ["status": Chat.Status.leftAsTicket.rawValue, "ended_at": now]
                guard try await Chat.claim(chatID, whereStatusIn: [fromStatus], heldBy: staffID, set: changes, on: database) else {
                    return .alreadyFinished
                }
                if let customerID, writer == .client {
                    // A customer leaving a ticket counts against their writing limits like the ticket form.
                    try await TicketDesk.checkWritingLimits(for: customerID, opensTicket: true, now: now, on: database)
                }
                let number = try await Ticket.nextNumber(on: database)
                let ticket = customerID.map {
                    Ticket(customerID: $0, number: number, department: .support, subject: subject, serviceID: nil, now: now)
                } ?? Ticket(visitorName: chat.clientName, email: chat.clientEmail, language: language, number: number, department: .support, subject: subject, now: now)
                try await ticket.create(on: database)
                let ticketID = try ticket.requireID()
                try await TicketMessage(ticketID: ticketID, position: 1, author: .customer, body: transcript, now: now).create(on: database)
                try await Chat.query(on: database).filter(\.$id == chatID).set(\.$ticket.$id, to: ticketID).update()
                let noteText = customerID == nil
                    ? mails.leftForMailNote(number: number, email: chat.clientEmail, language: language)
                    : mails.leftAsTicketNote(number: number, language: language)
                let note = ChatMessage(chatID: chatID, author: .system, authorName: "", body: noteText, now: now)
                try await note.create(on: database)
                if customerID == nil {
                    try await Outbox.enqueue(try mails.visitorReceipt(chat, ticketNumber: number, transcript: transcript), on: database, now: now)
                }
                if let staffID { try await touch(staffID: staffID, now: now, on: database) }
                try await audit(.chatLeftAsTicket, chat: chat, staffID: staffID, on: database, details: "ticket \(number)")
                return .ticket(ticket, note)
            }
        }
        if case .ticket(let ticket, _) = result {
            chat.status = .leftAsTicket
            chat.endedAt = now
            chat.$ticket.id = ticket.id
        }
        return result
    }

    /// A staff member's answer, from the chat pane, to a chat that was left as a ticket: a reply
    /// on the ticket (mailed to the customer or visitor), shown in the pane as well.
    func replyByMail(to chat: Chat, text: String, by staff: StaffMember) async throws -> PostOutcome {
        let body = TicketDesk.messageText(text)
        if body.isEmpty { return .empty }
        if body.count > TicketDesk.maximumMessageLength { return .tooLong }
        guard chat.status == .leftAsTicket, let ticketID = chat.$ticket.id else { return .notYours }
        let staffID = try staff.requireID()
        let chatID = try chat.requireID()
        let desk = TicketDesk(database: database, services: PortierServices(configuration: configuration, clock: clock, random: random), catalogs: mails.base.catalogs)
        _ = try await desk.addStaffReply(to: ticketID.uuidString, text: body, authorName: staff.name, staffID: staffID)
        return try await database.transactionTakingSQLiteWriteLock { database in
            let now = clock.now()
            let message = ChatMessage(chatID: chatID, author: .staff, staffID: staffID, authorName: staff.name, body: body, now: now)
            try await message.create(on: database)
            try await touch(staffID: staffID, now: now, on: database)
            try await audit(.chatAnsweredByMail, chat: chat, staffID: staffID, on: database)
            return .posted(message)
        }
    }

    // MARK: Transcript

    enum TranscriptOutcome: Sendable, Equatable {
        case queued
        /// Only a finished chat, and only once.
        case notFinished
        case alreadySent
    }

    func mailTranscript(of chat: Chat) async throws -> TranscriptOutcome {
        guard chat.isFinished else { return .notFinished }
        guard chat.transcriptSentAt == nil else { return .alreadySent }
        let chatID = try chat.requireID()
        let thread = try await messages(in: chatID)
        let mail = try mails.transcript(chat, thread: thread)
        return try await database.transactionTakingSQLiteWriteLock { database in
            let now = clock.now()
            guard try await Chat.claimTranscript(chatID, at: now, on: database) else { return .alreadySent }
            try await Outbox.enqueue(mail, on: database, now: now)
            try await audit(.chatTranscriptMailed, chat: chat, on: database)
            chat.transcriptSentAt = now
            return .queued
        }
    }

    // MARK: Staff availability

    /// The "Tillgänglig för chatt" switch.
    func setAvailable(_ isAvailable: Bool, staffID: UUID) async throws {
        try await database.transactionTakingSQLiteWriteLock { database in
            let now = clock.now()
            if let row = try await StaffChatAvailability.query(on: database).filter(\.$staff.$id == staffID).first() {
                row.isAvailable = isAvailable
                row.lastActivityAt = now
                try await row.update(on: database)
            } else {
                try await StaffChatAvailability(staffID: staffID, isAvailable: isAvailable, now: now).create(on: database)
            }
            try await AuditEvent(kind: isAvailable ? .chatAvailabilityOn : .chatAvailabilityOff, occurredAt: now, customerID: nil, staffID: staffID,
                                 email: nil, ipAddress: origin.ipAddress, userAgent: origin.userAgent).create(on: database)
        }
    }

    /// Whether the staff member's switch is on and they were active within the timeout.
    func isAvailable(staffID: UUID) async throws -> Bool {
        guard let row = try await StaffChatAvailability.query(on: database).filter(\.$staff.$id == staffID).first() else { return false }
        return row.isAvailable && row.lastActivityAt > clock.now().addingTimeInterval(-Self.availabilityTimeout)
    }

    /// Records activity in the staff area (keeps the switch on).
    func touch(staffID: UUID) async throws {
        try await touch(staffID: staffID, now: clock.now(), on: database)
    }

    private func touch(staffID: UUID, now: Date, on database: any Database) async throws {
        // Only a switch that is still on (not yet timed out) is kept alive.
        try await StaffChatAvailability.query(on: database)
            .filter(\.$staff.$id == staffID)
            .filter(\.$isAvailable == true)
            .filter(\.$lastActivityAt > now.addingTimeInterval(-Self.availabilityTimeout))
            .set(\.$lastActivityAt, to: now)
            .update()
    }

    // MARK: Lists for the staff

    /// Waiting chats, the longest-waiting first.
    func waitingChats() async throws -> [Chat] {
        try await Chat.query(on: database).filter(\.$status == .waiting).sort(\.$createdAt).all()
    }

    /// The chats this staff member has accepted and not ended.
    func activeChats(staffID: UUID) async throws -> [Chat] {
        try await Chat.query(on: database).filter(\.$status == .active).filter(\.$staff.$id == staffID).sort(\.$acceptedAt).all()
    }

    // MARK: Audit

    private func audit(_ kind: AuditEvent.Kind, chat: Chat, staffID: UUID? = nil, on database: any Database, details: String? = nil) async throws {
        let chatText = chat.id.map { "chat \($0.uuidString)" } ?? "chat"
        try await AuditEvent(
            kind: kind, occurredAt: clock.now(), customerID: chat.$customer.id, staffID: staffID,
            email: chat.isVisitor ? chat.clientEmail : nil, ipAddress: origin.ipAddress, userAgent: origin.userAgent,
            details: details.map { chatText + ": " + $0 } ?? chatText
        ).create(on: database)
    }
}
