import Fluent
import Foundation
import Testing
import Vapor
@testable import Portier

/// The chat's rules, on the real database with the test clock. The clock starts on Friday
/// 15 January 2027 at 09:00 in Stockholm: inside the default hours (weekdays 08–17).
@Suite("Chat: service rules")
struct ChatServiceTests {
    @Test("Open means inside the support hours and a support staff member available")
    func openOrClosed() async throws {
        try await withPortierApp { context in
            let chat = ChatFixtures.service(context)
            let closedNobody = try await chat.availability()
            #expect(closedNobody.withinHours && closedNobody.availableStaff == 0 && !closedNobody.isOpen)

            // An editor does not answer chats, nor does a support member whose switch is off.
            let editor = try await Fixtures.staffMember(context.app, role: .editor)
            try await chat.setAvailable(true, staffID: try editor.requireID())
            let offSupport = try await Fixtures.staffMember(context.app, role: .support, email: "off@portier.example")
            try await chat.setAvailable(false, staffID: try offSupport.requireID())
            let stillClosed = try await chat.availability()
            #expect(!stillClosed.isOpen)

            let support = try await ChatFixtures.availableSupport(context)
            let open = try await chat.availability()
            #expect(open.isOpen && open.availableStaff == 1)

            // Activity keeps the switch on; 15 minutes without any turns it off.
            context.clock.advance(by: 14 * 60)
            try await chat.touch(staffID: try support.requireID())
            context.clock.advance(by: 14 * 60)
            let touched = try await chat.availability()
            #expect(touched.isOpen)
            context.clock.advance(by: 60 + 1)
            let idle = try await chat.availability()
            #expect(!idle.isOpen)
            let idleSwitch = try await chat.isAvailable(staffID: try support.requireID())
            #expect(!idleSwitch)
            // A touch after the timeout does not turn it back on: the switch must be used again.
            try await chat.touch(staffID: try support.requireID())
            let stillIdle = try await chat.availability()
            #expect(!stillIdle.isOpen)

            // Outside the hours (17:00 in Stockholm) it is closed even with someone available.
            try await chat.setAvailable(true, staffID: try support.requireID())
            context.clock.advance(by: 8 * 3600 - 29 * 60 - 1)  // Friday 17:00 Stockholm
            try await chat.setAvailable(true, staffID: try support.requireID())
            let evening = try await chat.availability()
            #expect(!evening.withinHours && !evening.isOpen)
        }
    }

    @Test("The hours come from PORTIER_SUPPORT_HOURS")
    func configuredHours() async throws {
        let hours = try #require(try? SupportHours.parse("sat 10:00-14:00 Europe/Stockholm").get())
        try await withPortierApp({ $0.supportHours = hours }) { context in
            _ = try await ChatFixtures.availableSupport(context)
            let friday = try await ChatFixtures.service(context).availability()
            #expect(!friday.isOpen)
            context.clock.advance(by: 86_400 + 3600)  // Saturday 10:00 Stockholm
            _ = try await ChatFixtures.availableSupport(context, email: "lordag@portier.example")
            let saturday = try await ChatFixtures.service(context).availability()
            #expect(saturday.isOpen)
        }
    }

    @Test("A visitor gives a name and a valid e-mail first; the token is stored hashed and lasts 24 hours")
    func visitorStart() async throws {
        try await withPortierApp { context in
            let chat = ChatFixtures.service(context)
            let noName = try await chat.start(.visitor(name: "  \n ", email: "vera@example.org"), language: .swedish)
            guard case .nameMissing = noName else { Issue.record("expected nameMissing, got \(noName)"); return }
            let badEmail = try await chat.start(.visitor(name: "Vera", email: "vera@"), language: .swedish)
            guard case .emailInvalid = badEmail else { Issue.record("expected emailInvalid, got \(badEmail)"); return }
            let longName = try await chat.start(.visitor(name: String(repeating: "V", count: 101), email: "vera@example.org"), language: .swedish)
            guard case .nameTooLong = longName else { Issue.record("expected nameTooLong, got \(longName)"); return }
            #expect(try await Chat.query(on: context.app.db).count() == 0)

            let (started, token) = try await ChatFixtures.visitorChat(context, email: " Vera@Example.ORG ")
            #expect(started.clientEmail == "vera@example.org")
            #expect(started.status == .waiting)
            let stored = try #require(try await Chat.find(started.id, on: context.app.db))
            #expect(stored.tokenHash == TokenDigest.sha256Hex(token))
            #expect(stored.tokenHash != token)
            let resumed = try await chat.chat(visitorToken: token)
            #expect(resumed?.id == started.id)
            let wrong = try await chat.chat(visitorToken: token + "x")
            #expect(wrong == nil)

            context.clock.advance(by: 24 * 3600)
            let expired = try await chat.chat(visitorToken: token)
            #expect(expired == nil)
            let events = try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.chatStarted.rawValue).all()
            #expect(events.count == 1)
            #expect(events.first?.email == "vera@example.org")
            #expect(events.first?.ipAddress == "192.0.2.7")
        }
    }

    @Test("A logged-in customer is known already: no name or e-mail to give")
    func customerStart() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let outcome = try await ChatFixtures.service(context).start(.customer(customer), language: .english)
            guard case .started(let chat, let token, _) = outcome else { Issue.record("not started: \(outcome)"); return }
            #expect(token == nil)
            #expect(chat.$customer.id == customer.id)
            #expect(chat.clientName == "Karin Kund" && chat.clientEmail == "kund@example.se")
            let latest = try await ChatFixtures.service(context).latestChat(customerID: try customer.requireID())
            #expect(latest?.id == chat.id)
        }
    }

    @Test("Messages hold at most 4,000 characters and are never empty")
    func messageSize() async throws {
        try await withPortierApp { context in
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let service = ChatFixtures.service(context)
            let longest = try await service.post(String(repeating: "å", count: 4_000), in: chat, by: .client)
            guard case .posted(let message) = longest else { Issue.record("4,000 characters refused: \(longest)"); return }
            #expect(message.body.count == 4_000)
            let tooLong = try await service.post(String(repeating: "å", count: 4_001), in: chat, by: .client)
            guard case .tooLong = tooLong else { Issue.record("4,001 characters accepted: \(tooLong)"); return }
            let empty = try await service.post(" \r\n\u{7} ", in: chat, by: .client)
            guard case .empty = empty else { Issue.record("an empty message accepted: \(empty)"); return }
            #expect(try await ChatMessage.query(on: context.app.db).count() == 1)
        }
    }

    @Test("Ten messages per ten seconds per participant; the eleventh says when to try again")
    func rateLimit() async throws {
        try await withPortierApp { context in
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let service = ChatFixtures.service(context)
            for index in 0..<ChatService.messagesPerWindow {
                let outcome = try await service.post("Meddelande \(index)", in: chat, by: .client)
                guard case .posted = outcome else { Issue.record("message \(index) refused: \(outcome)"); return }
                context.clock.advance(by: 0.5)
            }
            let eleventh = try await service.post("Ett för mycket", in: chat, by: .client)
            guard case .rateLimited(let seconds) = eleventh else { Issue.record("the eleventh was accepted: \(eleventh)"); return }
            #expect(seconds == 5)

            // Another participant has a window of their own.
            let staff = try await ChatFixtures.availableSupport(context)
            _ = try await service.accept(chat, by: staff)
            let answer = try await service.post("Hej!", in: chat, by: try ChatFixtures.writer(staff))
            guard case .posted = answer else { Issue.record("the staff member was limited by the visitor: \(answer)"); return }

            context.clock.advance(by: 5)
            let later = try await service.post("Nu går det", in: chat, by: .client)
            guard case .posted = later else { Issue.record("still limited after the window: \(later)"); return }
        }
    }

    @Test("What is typed is stored as text and escaped wherever it is shown as HTML")
    func escaping() async throws {
        try await withPortierApp { context in
            let (chat, _) = try await ChatFixtures.visitorChat(context, name: "<b>Vera</b>")
            let service = ChatFixtures.service(context)
            let hostile = #"<script>alert("x")</script> & <img src=x onerror=alert(1)>"#
            _ = try await service.post(hostile, in: chat, by: .client)
            let stored = try await service.messages(in: try chat.requireID())
            #expect(stored.map(\.body) == [hostile])
            _ = try await service.end(chat, by: .client)
            let queued = try await service.mailTranscript(of: chat)
            #expect(queued == .queued)

            let mail = try #require(try await OutboxReader.mails(context.app, to: "vera@example.org").first)
            #expect(!mail.htmlBody.contains("<script>"))
            #expect(!mail.htmlBody.contains("<img"))
            #expect(!mail.htmlBody.contains("<b>Vera"))
            #expect(mail.htmlBody.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
            #expect(mail.textBody.contains(hostile))
        }
    }

    @Test("Only one staff member can accept a chat; only they write in it")
    func accepting() async throws {
        try await withPortierApp { context in
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let service = ChatFixtures.service(context)
            let first = try await ChatFixtures.availableSupport(context)
            let second = try await ChatFixtures.availableSupport(context, email: "andra@portier.example", name: "Andra")
            let early = try await service.post("Jag har inte tagit den", in: chat, by: try ChatFixtures.writer(first))
            guard case .notYours = early else { Issue.record("a staff member wrote before accepting: \(early)"); return }
            context.clock.advance(by: 42)

            let secondCopy = try #require(try await Chat.find(chat.id, on: context.app.db))
            let accepted = try await service.accept(chat, by: first)
            guard case .accepted(let note) = accepted else { Issue.record("not accepted: \(accepted)"); return }
            #expect(note.author == .system && note.body == "Sam Support har tagit chatten.")
            let late = try await service.accept(secondCopy, by: second)
            guard case .taken = late else { Issue.record("accepted twice: \(late)"); return }

            let stored = try #require(try await Chat.find(chat.id, on: context.app.db))
            #expect(stored.status == .active && stored.$staff.id == first.id)
            #expect(stored.waitingTime(now: context.clock.now()) == 42)
            let intruder = try await service.post("Hej", in: secondCopy, by: try ChatFixtures.writer(second))
            guard case .notYours = intruder else { Issue.record("the other staff member wrote: \(intruder)"); return }
            let waiting = try await service.waitingChats()
            #expect(waiting.isEmpty)
            let mine = try await service.activeChats(staffID: try first.requireID())
            #expect(mine.map(\.id) == [chat.id])
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.chatAccepted.rawValue).filter(\.$staffID == first.id).count() == 1)
        }
    }

    @Test("At once: eight staff accept one chat, five end it, five ask for its transcript — one of each wins")
    func concurrentStaffActions() async throws {
        try await withPortierApp { context in
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let service = ChatFixtures.service(context)
            var staff: [StaffMember] = []
            for index in 0..<8 {
                staff.append(try await ChatFixtures.availableSupport(context, email: "stod\(index)@portier.example", name: "Stöd \(index) Åström"))
            }
            let chatID = try chat.requireID()
            let database = context.app.db
            let members = staff

            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for member in members {
                    group.addTask {
                        let copy = try #require(try await Chat.find(chatID, on: database))
                        if case .accepted = try await service.accept(copy, by: member) { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 1)
            let owner = try #require(try await Chat.find(chatID, on: database)?.$staff.id)
            let writer = try ChatFixtures.writer(try #require(members.first { $0.id == owner }))

            let ended = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        let copy = try #require(try await Chat.find(chatID, on: database))
                        if case .ended = try await service.end(copy, by: writer) { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(ended == 1)

            let queued = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        let copy = try #require(try await Chat.find(chatID, on: database))
                        return try await service.mailTranscript(of: copy) == .queued
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(queued == 1)
            let acceptedEvents = try await AuditEvent.query(on: database).filter(\.$kind == AuditEvent.Kind.chatAccepted.rawValue).count()
            let endedEvents = try await AuditEvent.query(on: database).filter(\.$kind == AuditEvent.Kind.chatEnded.rawValue).count()
            #expect(acceptedEvents == 1 && endedEvents == 1)
        }
    }

    @Test("A reconnect gets the messages after the last id it has")
    func resume() async throws {
        try await withPortierApp { context in
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let service = ChatFixtures.service(context)
            var ids: [Int] = []
            for text in ["ett", "två", "tre"] {
                guard case .posted(let message) = try await service.post(text, in: chat, by: .client) else { Issue.record("refused"); return }
                ids.append(try #require(message.id))
            }
            #expect(ids == ids.sorted() && Set(ids).count == 3)
            let after = try await service.messages(in: try chat.requireID(), after: ids[0])
            #expect(after.map(\.body) == ["två", "tre"])
        }
    }

    @Test("A visitor leaves the chat as a ticket when closed or after two minutes without an answer; nothing is lost")
    func visitorLeavesTicket() async throws {
        try await withPortierApp { context in
            _ = try await ChatFixtures.availableSupport(context)
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let service = ChatFixtures.service(context)
            _ = try await service.post("Min webbplats är nere", in: chat, by: .client)

            context.clock.advance(by: 119)
            let early = try await service.leaveAsTicket(chat, by: .client)
            guard case .notYet = early else { Issue.record("left before two minutes while open: \(early)"); return }
            context.clock.advance(by: 1)
            let left = try await service.leaveAsTicket(chat, by: .client)
            guard case .ticket(let ticket, _) = left else { Issue.record("not left: \(left)"); return }

            let stored = try #require(try await Chat.find(chat.id, on: context.app.db))
            #expect(stored.status == .leftAsTicket && stored.$ticket.id == ticket.id)
            let receipt = try #require(try await OutboxReader.mails(context.app, to: "vera@example.org").first)
            #expect(receipt.subject == "Vi har tagit emot ditt meddelande (ärende \(ticket.number))")
            #expect(receipt.textBody.contains("Min webbplats är nere"))
            let again = try await service.leaveAsTicket(stored, by: .client)
            guard case .alreadyFinished = again else { Issue.record("left twice: \(again)"); return }

            // The support answers from the chat pane: a reply on the ticket, mailed.
            let staff = try #require(try await StaffMember.query(on: context.app.db).first())
            let reply = try await service.replyByMail(to: stored, text: "Vi tittar på det nu.", by: staff)
            guard case .posted = reply else { Issue.record("no reply: \(reply)"); return }
            let mails = try await OutboxReader.mails(context.app, to: "vera@example.org")
            #expect(mails.count == 2)
            #expect(mails.last?.textBody.contains("Vi tittar på det nu.") == true)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.chatLeftAsTicket.rawValue).count() == 1)
        }
    }

    @Test("While the chat is closed a customer's chat becomes a ticket at once, with the whole conversation")
    func customerLeavesTicketWhenClosed() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = ChatFixtures.service(context)
            guard case .started(let chat, _, let availability) = try await service.start(.customer(customer), language: .swedish) else { Issue.record("not started"); return }
            #expect(!availability.isOpen)
            let empty = try await service.leaveAsTicket(chat, by: .client)
            guard case .nothingWritten = empty else { Issue.record("an empty ticket: \(empty)"); return }
            _ = try await service.post("Fakturan är fel", in: chat, by: .client)
            _ = try await service.post("Den från december", in: chat, by: .client)

            let outcome = try await service.leaveAsTicket(chat, by: .client)
            guard case .ticket(let ticket, let note) = outcome else { Issue.record("no ticket: \(outcome)"); return }
            #expect(ticket.$customer.id == customer.id)
            #expect(ticket.subject.hasPrefix("Chatt "))
            let thread = try await TicketMessage.thread(of: try ticket.requireID(), on: context.app.db)
            #expect(thread.count == 1)
            #expect(thread.first?.body.contains("Karin Kund: Fakturan är fel") == true)
            #expect(thread.first?.body.contains("Karin Kund: Den från december") == true)
            #expect(note.body == "Chatten sparades som ärende \(ticket.number).")
            let stored = try #require(try await Chat.find(chat.id, on: context.app.db))
            #expect(stored.status == .leftAsTicket && stored.$ticket.id == ticket.id)
        }
    }

    @Test("The staff member who has a chat can turn it into a ticket or end it; others cannot")
    func staffTurnsIntoTicket() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = ChatFixtures.service(context)
            let staff = try await ChatFixtures.availableSupport(context)
            let other = try await ChatFixtures.availableSupport(context, email: "annan@portier.example", name: "Annan")
            guard case .started(let chat, _, _) = try await service.start(.customer(customer), language: .swedish) else { Issue.record("not started"); return }
            _ = try await service.post("Kan ni flytta min domän?", in: chat, by: .client)
            _ = try await service.accept(chat, by: staff)
            let notTheirs = try await service.end(chat, by: try ChatFixtures.writer(other))
            guard case .notYours = notTheirs else { Issue.record("ended by another: \(notTheirs)"); return }
            let notTheirTicket = try await service.leaveAsTicket(chat, by: try ChatFixtures.writer(other))
            guard case .notYet = notTheirTicket else { Issue.record("ticket by another: \(notTheirTicket)"); return }

            let outcome = try await service.leaveAsTicket(chat, by: try ChatFixtures.writer(staff))
            guard case .ticket(let ticket, _) = outcome else { Issue.record("no ticket: \(outcome)"); return }
            let thread = try await TicketMessage.thread(of: try ticket.requireID(), on: context.app.db)
            #expect(thread.first?.body.contains("Sam Support har tagit chatten.") == true)
            let event = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.chatLeftAsTicket.rawValue).first())
            #expect(event.staffID == staff.id && event.customerID == customer.id)
        }
    }

    @Test("The transcript is mailed after the chat, once, to the client's address")
    func transcript() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = ChatFixtures.service(context)
            let staff = try await ChatFixtures.availableSupport(context)
            guard case .started(let chat, _, _) = try await service.start(.customer(customer), language: .swedish) else { Issue.record("not started"); return }
            _ = try await service.post("Hur byter jag lösenord?", in: chat, by: .client)
            _ = try await service.accept(chat, by: staff)
            _ = try await service.post("Under Säkerhet i Kundavdelningen.", in: chat, by: try ChatFixtures.writer(staff))
            let tooEarly = try await service.mailTranscript(of: chat)
            #expect(tooEarly == .notFinished)

            let ended = try await service.end(chat, by: try ChatFixtures.writer(staff))
            guard case .ended = ended else { Issue.record("not ended: \(ended)"); return }
            let afterEnd = try await service.post("Tack!", in: chat, by: .client)
            guard case .finished = afterEnd else { Issue.record("written after the end: \(afterEnd)"); return }
            let queued = try await service.mailTranscript(of: chat)
            #expect(queued == .queued)
            let fresh = try #require(try await Chat.find(chat.id, on: context.app.db))
            let twice = try await service.mailTranscript(of: fresh)
            #expect(twice == .alreadySent)

            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.subject == "Din chatt med supporten")
            #expect(mail.textBody.contains("Karin Kund: Hur byter jag lösenord?"))
            #expect(mail.textBody.contains("Sam Support: Under Säkerhet i Kundavdelningen."))
            #expect(mail.textBody.contains("(Supporten avslutade chatten.)"))
        }
    }
}
