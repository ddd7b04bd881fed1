import Testing

@testable import wokmanager

@Suite("Server-sent events")
struct ServerSentEventsTests {
    @Test("events split across pieces anywhere, a character's bytes included, come out whole; comments are left out")
    func pieces() {
        let stream = Array("retry: 2000\n: connected\n\nid: 7\nevent: state\ndata: {\"group\": \"caf\u{e9}\"}\n\n: ping\n\nevent: problem\r\ndata: a\r\ndata: b\r\n\r\n".utf8)
        for size in [1, 2, 3, 7, stream.count] {
            var parser = ServerSentEvents()
            var events: [ServerSentEvents.Event] = []
            var index = 0
            while index < stream.count {
                events += parser.feed(stream[index..<min(index + size, stream.count)])
                index += size
            }
            #expect(events == [
                ServerSentEvents.Event(name: "state", data: "{\"group\": \"caf\u{e9}\"}", id: "7"),
                ServerSentEvents.Event(name: "problem", data: "a\nb", id: nil),
            ], "pieces of \(size)")
        }
    }
}
