extension ResourceTable {
    /// How a consumer command's stateful sequence puts what the command names in the state the
    /// command needs (a job paused before `job-resume`, a mirror `READY` before `job-complete`,
    /// an NBD server running before `nbd-server-add`), so that the sequence expects success and
    /// checks what the success must show: events the call promises, queries after it.
    ///
    /// Pipeline position: read from `cases/resources.json`'s `reach` by `ResourceTable.load`;
    /// `ResourceModel` adds its consumer link when inference misses it (the `block-job-*` verbs
    /// name the job in `device`); `StatefulSequenceGenerator` builds the sequence. Steps and
    /// events are written as in scenario files, with `${name}` (the sequence's resource),
    /// `${parent}` and `${scratch}`.
    public struct Reach: Sendable, Hashable {
        /// The keys an entry may have.
        static let keys = [
            "kind", "member", "state", "create", "setup", "before", "arguments", "events", "after", "cleanup",
        ]

        /// The kind of what the command names.
        public var kind: ResourceKind
        /// The member naming it.
        public var member: String
        /// The state, in words ("a paused job").
        public var state: String
        /// What creates it instead of the kind's `create` (a mirror job, waiting for `READY`).
        public var create: Template?
        /// Steps before it is created (files and nodes it needs).
        public var setup: [Scenario.Step] = []
        /// Steps after it is created, before the call (a pause before a resume).
        public var before: [Scenario.Step] = []
        /// Arguments of the call besides the member (other things it names, values it needs).
        public var arguments: JSONObject = [:]
        /// Events the call promises.
        public var events: [EventExpectation] = []
        /// Steps after the call: queries that must show its effect.
        public var after: [Scenario.Step] = []
        /// Steps removing what `setup` and `before` made, before the resource itself is removed.
        public var cleanup: [Scenario.Step] = []

        /// Reads one entry.
        /// - Parameters:
        ///   - value: the entry's JSON.
        ///   - document: the table, for locations.
        ///   - path: where the entry is.
        /// - Returns: the recipe.
        /// - Throws: `DiagnosticError` located at the fault (unknown key or kind, wrong shape).
        static func read(_ value: JSONValue, in document: CaseFile, at path: JSONPath) throws(DiagnosticError)
            -> Reach
        {
            let members = try document.object(value, at: path, keys: keys, what: "a 'reach' entry")
            guard let kindName = members["kind"]?.stringValue, let kind = ResourceKind(rawValue: kindName) else {
                throw document.error(
                    "a 'reach' entry needs a known 'kind'", at: path.appending("kind"),
                    hint: "known kinds: " + ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let member = members["member"]?.stringValue, let state = members["state"]?.stringValue else {
                throw document.error(
                    "a 'reach' entry needs 'member' (what names the resource) and 'state' (in words)", at: path)
            }
            var reach = Reach(kind: kind, member: member, state: state)
            let variables = Template.variables
            if let create = members["create"] {
                reach.create = try Template.read(create, in: document, at: path.appending("create"))
            }
            if let arguments = members["arguments"] {
                guard let object = arguments.objectValue else {
                    throw document.error("'arguments' must be an object", at: path.appending("arguments"))
                }
                reach.arguments = object
            }
            if let events = members["events"] {
                reach.events = try ScenarioLoader.events(
                    events, in: document, at: path.appending("events"), variables: variables)
            }
            for key in ["setup", "before", "after", "cleanup"] {
                guard let list = members[key] else { continue }
                let steps = try ScenarioLoader.steps(list, in: document, at: path.appending(key), variables: variables)
                switch key {
                case "setup": reach.setup = steps
                case "before": reach.before = steps
                case "after": reach.after = steps
                default: reach.cleanup = steps
                }
            }
            return reach
        }
    }
}
