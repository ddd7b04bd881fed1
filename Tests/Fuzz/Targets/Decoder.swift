import Foundation

/// libFuzzer's entry point for the event decoder (`scripts/fuzz.sh decoder`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoder(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    DecoderTarget.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

/// Feeds one input to the decoder as a single event, as a batch, and wrapped in a JSON array,
/// and checks each answer against docs/api.md.
enum DecoderTarget {
    static let decoder = EventDecoder()

    static func run(_ data: Data) {
        let single = Result { () throws(EventValidationError) in try decoder.decodeEvent(from: data, receivedAt: fuzzNow) }
        checkSingle(single, data: data)
        checkBatch(data)
        checkWrapped(single, data: data)
    }

    /// One event: accepted exactly when it keeps every rule, and then kept as documented.
    private static func checkSingle(_ single: Result<WorkerEvent, EventValidationError>, data: Data) {
        let payload = try? JSONDecoder().decode(EventPayload.self, from: data)
        if let read = EventPayloadReader.payload(in: data) { EventChecks.checkSameRead([read], as: payload.map { [$0] }) }
        switch single {
        case .success(let event):
            EventChecks.checkLimits(event, now: fuzzNow)
            guard let payload else { return require(false, "accepted a body that is not an event") }
            EventChecks.checkKept(event, payload: payload, now: fuzzNow)
            if let broken = EventSpec.brokenFields(of: payload, now: fuzzNow) {
                require(broken.isEmpty, "accepted an event that breaks \(broken.sorted())")
            }
        case .failure(let error):
            EventChecks.checkError(error)
            guard let payload, let broken = EventSpec.brokenFields(of: payload, now: fuzzNow) else { return }
            require(!broken.isEmpty, "refused a valid event: \(error)")
            require(broken.contains(error.field), "refused for \(error.field), but the broken fields are \(broken.sorted()): \(error)")
        }
    }

    /// The same bytes as a batch: refused whole only as `body`, otherwise 1 to 10,000 items (one per element
    /// of a body that starts with `[`), each checked; an array of 1 to 10,000 elements is never refused whole.
    private static func checkBatch(_ data: Data) {
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
        let isArray = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
        let arrayLength = isArray ? (try? JSONDecoder().decode([Ignored].self, from: data))?.count : nil
        if isArray, let read = EventPayloadReader.payloads(inArray: Data(body), limit: EventSpec.batchLength) {
            EventChecks.checkSameRead(read, as: try? JSONDecoder().decode([EventPayload].self, from: Data(body)))
        }
        do throws(EventValidationError) {
            let items = try decoder.decodeBatch(from: data, receivedAt: fuzzNow)
            require((1...EventSpec.batchLength).contains(items.count), "a batch of \(items.count) items")
            if let arrayLength { require(items.count == arrayLength, "an array of \(arrayLength) read as \(items.count) items") }
            for item in items {
                switch item {
                case .success(let event): EventChecks.checkLimits(event, now: fuzzNow)
                case .failure(let error): EventChecks.checkError(error)
                }
            }
        } catch {
            EventChecks.checkError(error)
            require(error.field == "body", "a whole batch refused for \(error.field)")
            if let arrayLength {
                require(!(1...EventSpec.batchLength).contains(arrayLength), "an array of \(arrayLength) refused whole: \(error)")
            }
        }
    }

    /// Any JSON value, read and dropped.
    private struct Ignored: Decodable {
        init(from decoder: any Decoder) {}
    }

    /// An object JSON can read gets the same answer sent alone as twice in an array
    /// (a byte order mark, which JSON readers may skip, goes before the bracket).
    private static func checkWrapped(_ single: Result<WorkerEvent, EventValidationError>, data: Data) {
        if case .failure(let error) = single, error.field == "body" { return }
        let bom = Data([0xEF, 0xBB, 0xBF])
        let object = data.starts(with: bom) ? data.dropFirst(bom.count) : data
        let wrapped = (data.starts(with: bom) ? bom : Data()) + Data("[".utf8) + object + Data(",".utf8) + object + Data("]".utf8)
        do throws(EventValidationError) {
            let items = try decoder.decodeBatch(from: wrapped, receivedAt: fuzzNow)
            require(items.count == 2, "an object twice in an array became \(items.count) items")
            for item in items { checkSame(single, item) }
        } catch {
            require(false, "an object accepted alone makes its array unreadable: \(error)")
        }
    }

    /// One answer for an object alone, one for it in an array: the same event, or a refusal for the same field.
    private static func checkSame(_ single: Result<WorkerEvent, EventValidationError>, _ item: EventDecoder.BatchItem) {
        switch (single, item) {
        case (.success(let alone), .success(let inArray)):
            require(alone == inArray, "an event reads differently in an array: \(shown(alone)) vs \(shown(inArray))")
        case (.failure(let alone), .failure(let inArray)):
            // Foundation reads an object's values in hash order, so of several bad ones (of the wrong type:
            // `labels.KEY`, `metrics.NAME`; invalid UTF-8: `body`) it may name any; every other field is named
            // the same every time.
            let isEntry = { (field: String) in field.hasPrefix("labels.") || field.hasPrefix("metrics.") }
            let entryOrBody = { (field: String) in isEntry(field) || field == "body" }
            require(
                alone.field == inArray.field
                    || ((isEntry(alone.field) || isEntry(inArray.field)) && entryOrBody(alone.field) && entryOrBody(inArray.field)),
                "an event is refused differently in an array: \(alone) vs \(inArray)")
        case (.success, .failure(let inArray)):
            require(false, "an event accepted alone is refused in an array: \(inArray)")
        case (.failure(let alone), .success):
            require(false, "an event refused alone is accepted in an array: \(alone)")
        }
    }
}
