import Registry
import Testing
import WokmanagerMetrics

/// Pushgateway's URL grouping key: the job is the worker's group, the instance (or the job) its id.
@Suite("Push grouping key")
struct PushGroupingKeyTests {
    @Test("job and instance name the worker; @base64 values with or without padding, '=' for an empty one")
    func keys() throws {
        let key = try PushGroupingKey(segments: ["job", "nightly.backup", "instance", "db1", "path@base64", "L3Zhci90bXA", "empty@base64", "="])
        #expect(key.group == "nightly.backup" && key.workerID == "db1")
        #expect(key.exposition == "job=\"nightly.backup\",instance=\"db1\",path=\"/var/tmp\",empty=\"\"")
        #expect(try PushGroupingKey(segments: ["job@base64", "L3Zhci90bXA="]).group == "/var/tmp")
        #expect(try PushGroupingKey(segments: ["job", "some_job"]).workerID == "some_job")
        #expect(try PushGroupingKey(segments: ["job", "titan", "name@base64", "zqDPgc6_zrzOt864zrXPjc-C"]).labels[1].value == "Προμηθεύς")
    }

    @Test("a wrong grouping key names its label", arguments: [
        (["job"], "path"), (["instance", "x", "job", "y"], "path"), (["job", "a", "worker", "b"], "worker"),
        (["job", "a", "__name__", "b"], "__name__"), (["job", "a", "job", "b"], "job"), (["job", ""], "job"),
        (["job", "a..b"], "job"), (["job", "a", "instance", "x*"], "instance"), (["job", "a", "path@base64", "%%%"], "path"),
        (["job", "a", "9x", "b"], "9x"),
    ])
    func mistakes(segments: [String], field: String) {
        #expect {
            _ = try PushGroupingKey(segments: segments)
        } throws: { error in
            (error as? EventValidationError)?.field == field
        }
    }
}
